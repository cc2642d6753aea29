using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Fleet.Gateway;

/// <summary>Where devices reach this gateway's HTTP API: <c>Fleet:PublicUrl</c>, else the first address Kestrel listens on.</summary>
internal sealed class GatewayUrls(GatewayOptions options, IServer server)
{
    public string BaseUrl
    {
        get
        {
            if (options.PublicUrl is { } configured)
            {
                return configured.TrimEnd('/');
            }

            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
            return address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        }
    }

    public string Artifact(string modelId, string version) =>
        string.Create(CultureInfo.InvariantCulture, $"{BaseUrl}/api/v1/models/{Uri.EscapeDataString(modelId)}/{Uri.EscapeDataString(version)}/artifact");
}
