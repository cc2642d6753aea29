using Fleet.Device.Storage;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Inference;

/// <summary>The device's models on disk: packages in the <see cref="WeightStore"/>, keyed <c>{id}+{version}</c>.</summary>
/// <remarks>
/// Every load re-reads the artifact through the store (which verifies its SHA-256) and re-validates the package,
/// so a corrupt file on disk is reported, never run.
/// </remarks>
internal sealed class ModelCatalog(WeightStore store)
{
    public WeightStore Store { get; } = store;

    /// <summary>Stores a package's bytes (already verified by the caller) and its version manifest; returns the key.</summary>
    public StoreResult<string> Install(byte[] packageBytes, ModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(packageBytes);
        ArgumentNullException.ThrowIfNull(package);
        var sha = Store.PutArtifact(packageBytes);
        var golden = Store.PutArtifact(System.Text.Encoding.UTF8.GetBytes(package.Golden.ToJson()));
        var key = ModelHost.KeyOf(package.Card);
        var added = Store.AddVersion(new StoredVersion(key, package.Card.Id, sha, golden));
        return added.IsSuccess ? StoreResult<string>.Success(key) : added.Cast<string>();
    }

    /// <summary>Reads and validates the package stored under <paramref name="key"/>.</summary>
    public CatalogLoad Load(string key)
    {
        var version = Store.GetVersion(key);
        if (!version.IsSuccess)
        {
            return CatalogLoad.Failed(version.Error!.ToString());
        }

        var bytes = Store.ReadArtifact(version.Value!.ArtifactSha256);
        if (!bytes.IsSuccess)
        {
            return CatalogLoad.Failed(bytes.Error!.ToString());
        }

        var package = ModelPackageReader.Read(bytes.Value);
        return package.IsSuccess
            ? new CatalogLoad(package.Package, version.Value.ArtifactSha256, key, null)
            : CatalogLoad.Failed($"package {key}: {package}");
    }

    /// <summary>Loads what <paramref name="pointer"/> names.</summary>
    public CatalogLoad Load(StorePointer pointer)
    {
        var key = Store.ReadPointer(pointer);
        return key.IsSuccess ? Load(key.Value!) : CatalogLoad.Failed(key.Error!.ToString());
    }

    /// <summary>Builds a host for a loaded package, or says why it could not.</summary>
    public static (ModelHost? Host, string? Problem) Start(CatalogLoad load, ModelSource source)
    {
        if (load.Package is null)
        {
            return (null, load.Problem);
        }

        try
        {
            return (ModelHost.Load(load.Package, source, load.Sha256!), null);
        }
        catch (Exception ex) when (ex is Shared.Onnx.OnnxRuntimeException or Shared.Onnx.Reading.OnnxFormatException)
        {
            return (null, $"ONNX Runtime refused {load.Key}: {ex.Message}");
        }
    }
}
