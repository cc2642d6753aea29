using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Fleet.Gateway.Dashboard;

/// <summary>
/// The dashboard's files (wwwroot/, embedded in the gateway assembly at build time), held in memory with a
/// content type and a strong ETag each. Embedding keeps the gateway a single deployable with no content root.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "Dashboard/";

    private readonly FrozenDictionary<string, DashboardAsset> _assets;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource[Prefix.Length..];
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            assets[name] = new DashboardAsset(bytes, ContentType(name), etag);
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _assets.Keys;

    public DashboardAsset? Find(string name) => _assets.GetValueOrDefault(name);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
