using System.Text.Json;
using Fleet.Shared.Security;

namespace Fleet.Cli.Connection;

/// <summary>
/// Where the gateway is and which token to use: <c>--url/--token</c>, else <c>FLEET_URL</c>/<c>FLEET_TOKEN</c>,
/// else <c>~/.config/fleet/config.json</c> (<c>{"url": …, "token": …}</c>), else the demo's
/// <c>data/demo/credentials</c> (its operator token, the demo's default URL).
/// </summary>
internal sealed record CliSettings(Uri Url, string? Token, string TokenSource)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static CliSettings Resolve(string? url, string? token, Func<string, string?> environment, string home, string workingDirectory)
    {
        string? fileUrl = null;
        string? fileToken = null;
        var configPath = Path.Combine(home, ".config", "fleet", "config.json");
        if (File.Exists(configPath))
        {
            using var config = JsonDocument.Parse(File.ReadAllText(configPath));
            fileUrl = config.RootElement.TryGetProperty("url", out var u) ? u.GetString() : null;
            fileToken = config.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null;
        }

        var resolvedUrl = url ?? environment("FLEET_URL") ?? fileUrl ?? DefaultUrl;
        if (!Uri.TryCreate(resolvedUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"'{resolvedUrl}' is not an http(s) URL of a gateway.");
        }

        if (token is not null)
        {
            return new CliSettings(uri, token, "--token");
        }

        if (environment("FLEET_TOKEN") is { Length: > 0 } envToken)
        {
            return new CliSettings(uri, envToken, "FLEET_TOKEN");
        }

        if (fileToken is not null)
        {
            return new CliSettings(uri, fileToken, configPath);
        }

        var demo = Path.Combine(workingDirectory, "data", "demo", CredentialsFile.FileName);
        if (File.Exists(demo) && CredentialsFile.Read(demo).TryGetValue("operator", out var demoToken))
        {
            return new CliSettings(uri, demoToken, demo);
        }

        return new CliSettings(uri, null, "none");
    }
}
