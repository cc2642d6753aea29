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

        if (!ModelVersions.IsValid(manifest.Version))
        {
            return StagedUpdate.Refused(desiredVersion, $"model version '{manifest.Version}' is not a dotted numeric version");
        }

        if (manifest.Id == installedId && ModelVersions.Compare(manifest.Version, installedVersion) < 0 && !manifest.AllowRollback)
        {
            return StagedUpdate.Refused(desiredVersion, $"version {manifest.Version} is older than the installed {installedVersion} (allowRollback is false)");
        }

        if (!Uri.TryCreate(manifest.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return StagedUpdate.Refused(desiredVersion, $"'{manifest.Url}' is not an http(s) URL");
        }

        byte[] bytes;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return StagedUpdate.Refused(desiredVersion, $"download failed: HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxPackageBytes)
            {
                return StagedUpdate.Refused(desiredVersion, $"the package is larger than {MaxPackageBytes} bytes");
            }

            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return StagedUpdate.Refused(desiredVersion, $"download failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return StagedUpdate.Refused(desiredVersion, "download timed out");
        }

        return Stage(desiredVersion, manifest, bytes);
    }

    /// <summary>Verifies downloaded bytes against the manifest and stages them.</summary>
    public StagedUpdate Stage(long desiredVersion, ModelManifest manifest, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(bytes);
        var check = ModelSignature.Verify(fleetKey!, bytes, manifest.Sha256, manifest.Signature);
        if (check != SignatureCheck.Valid)
        {
            return StagedUpdate.Refused(desiredVersion, check switch
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
            return StagedUpdate.Refused(desiredVersion, $"the package is invalid: {read.Message}");
        }

        var card = read.Package!.Card;
        if (card.Id != manifest.Id || ModelVersions.Compare(card.ModelVersion, manifest.Version) != 0)
        {
            return StagedUpdate.Refused(desiredVersion, $"the package is {card.Id} {card.ModelVersion}, not the {manifest.Id} {manifest.Version} the manifest names");
        }

        var key = catalog.Install(bytes, read.Package);
        return key.IsSuccess
            ? new StagedUpdate(desiredVersion, read.Package, key.Value, null)
            : StagedUpdate.Refused(desiredVersion, $"cannot stage: {key.Error}");
    }
}
