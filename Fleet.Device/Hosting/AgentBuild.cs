using System.Reflection;
using System.Runtime.InteropServices;

namespace Fleet.Device.Hosting;

/// <summary>What <c>fleet-device --version</c> prints: the agent's version and the platform it was built for.</summary>
internal static class AgentBuild
{
    /// <summary>The project's <c>Version</c>, without the source revision the SDK appends after '+'.</summary>
    public static string Version
    {
        get
        {
            var informational = typeof(AgentBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }
    }

    public static string Describe() =>
        $"fleet-device {Version} ({RuntimeInformation.RuntimeIdentifier}, .NET {Environment.Version})";
}
