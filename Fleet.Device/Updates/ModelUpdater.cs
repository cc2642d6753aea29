using System.Security.Cryptography;
using Fleet.Device.Inference;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;

namespace Fleet.Device.Updates;

/// <summary>
/// Fetches the package a desired state names, verifies it (SHA-256, ECDSA P-256 signature with the fleet key,
/// package contents, id/version match, anti-rollback) and stages it in the weight store. Activation, soak and
/// commit are the device's job (<see cref="SoakWatch"/>).
/// </summary>
internal sealed class ModelUpdater(ModelCatalog catalog, ECDsa? fleetKey, HttpClient http)
{
    /// <summary>Largest package downloaded.</summary>
    public const long MaxPackageBytes = 64L << 20;

    public async Task<StagedUpdate> FetchAndStageAsync(long desiredVersion, ModelManifest manifest, string installedId, string installedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (fleetKey is null)
        {
            return StagedUpdate.Refused(desiredVersion, "no fleet key is configured; the device accepts no model updates");
        }

        if (CheckManifest(manifest, installedId, installedVersion) is { } refusal)
        {
            return StagedUpdate.Refused(desiredVersion, refusal);
        }

        var (bytes, problem) = await DownloadAsync(http, manifest, cancellationToken).ConfigureAwait(false);
        return bytes is null ? StagedUpdate.Refused(desiredVersion, problem!) : Stage(desiredVersion, manifest, bytes);
    }

    /// <summary>Verifies downloaded bytes against the manifest and stages them.</summary>
    public StagedUpdate Stage(long desiredVersion, ModelManifest manifest, byte[] bytes)
    {
        var (package, problem) = Verify(fleetKey!, manifest, bytes);
        if (package is null)
        {
            return StagedUpdate.Refused(desiredVersion, problem!);
        }

        var key = catalog.Install(bytes, package);
        return key.IsSuccess
            ? new StagedUpdate(desiredVersion, package, key.Value, null)
            : StagedUpdate.Refused(desiredVersion, $"cannot stage: {key.Error}");
    }

    /// <summary>Why a manifest cannot be installed over <paramref name="installedId"/> <paramref name="installedVersion"/> (a bad version, a rollback not allowed, a URL that is not http(s)); null when it can.</summary>
    public static string? CheckManifest(ModelManifest manifest, string installedId, string installedVersion)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!ModelVersions.IsValid(manifest.Version))
        {
            return $"model version '{manifest.Version}' is not a dotted numeric version";
        }

        if (manifest.Id == installedId && ModelVersions.Compare(manifest.Version, installedVersion) < 0 && !manifest.AllowRollback)
        {
            return $"version {manifest.Version} is older than the installed {installedVersion} (allowRollback is false)";
        }

        return Uri.TryCreate(manifest.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? null
            : $"'{manifest.Url}' is not an http(s) URL";
    }

    /// <summary>Downloads the manifest's package (at most <see cref="MaxPackageBytes"/>); the bytes, or why not.</summary>
    public static async Task<(byte[]? Bytes, string? Problem)> DownloadAsync(HttpClient http, ModelManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            using var response = await http.GetAsync(new Uri(manifest.Url), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"download failed: HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxPackageBytes)
            {
                return (null, $"the package is larger than {MaxPackageBytes} bytes");
            }

            return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException ex)
        {
            return (null, $"download failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "download timed out");
        }
    }

    /// <summary>
    /// Checks downloaded bytes against the manifest: SHA-256 and the fleet signature, a readable package whose card
    /// names the manifest's id and version. The package, or why it is refused.
    /// </summary>
    public static (ModelPackage? Package, string? Problem) Verify(ECDsa fleetKey, ModelManifest manifest, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(fleetKey);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(bytes);
        var check = ModelSignature.Verify(fleetKey, bytes, manifest.Sha256, manifest.Signature);
        if (check != SignatureCheck.Valid)
        {
            return (null, check switch
            {
                SignatureCheck.HashMismatch => "the artifact's SHA-256 does not match the manifest",
                SignatureCheck.Unsigned => "the artifact is unsigned",
                SignatureCheck.Malformed => "the signature is malformed",
                _ => "the signature does not verify with the fleet key",
            });
        }

        var read = ModelPackageReader.Read(bytes);
        if (!read.IsSuccess)
        {
            return (null, $"the package is invalid: {read.Message}");
        }

        var card = read.Package!.Card;
        return card.Id != manifest.Id || ModelVersions.Compare(card.ModelVersion, manifest.Version) != 0
            ? (null, $"the package is {card.Id} {card.ModelVersion}, not the {manifest.Id} {manifest.Version} the manifest names")
            : (read.Package, null);
    }
}
