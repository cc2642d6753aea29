using System.Security.Cryptography;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Security;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Registry;

/// <summary>
/// Model uploads: artifacts are hashed, signed with the fleet key (<c>{data}/fleet-key.pem</c>, created on
/// first use) and kept under <c>{data}/models/{id}/{version}.onnx</c>; the registry row is the store's.
/// </summary>
internal sealed class ModelRegistry(GatewayOptions options, FleetStoreService storeService) : IDisposable
{
    private readonly Lazy<ECDsa> _key = new(() => FleetKey.LoadOrCreatePrivate(Path.Combine(options.Secrets, "fleet-key.pem")));

    public string PublicKeyPem => FleetKey.PublicPem(_key.Value);

    /// <summary>Registers a version with its metrics and model card (JSON objects) recorded alongside.</summary>
    public Task<(ModelAddStatus Status, ModelRecord? Model)> AddAsync(
        string modelId, string version, string? parentVersion, byte[] artifact, string metricsJson, string cardJson, CancellationToken cancellationToken) =>
        AddAsync(modelId, version, parentVersion, artifact, metricsJson, cardJson, null, cancellationToken);

    /// <summary>
    /// Registers a version; <paramref name="goldenJson"/>, the golden set a bare ONNX file was validated with, is kept beside
    /// the artifact (<c>{version}.golden.json</c>, the record's golden-set reference).
    /// </summary>
    public async Task<(ModelAddStatus Status, ModelRecord? Model)> AddAsync(
        string modelId, string version, string? parentVersion, byte[] artifact, string metricsJson, string cardJson, string? goldenJson, CancellationToken cancellationToken)
    {
        var store = storeService.Store;
        if (await store.Models.GetAsync(modelId, version, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return (ModelAddStatus.AlreadyExists, existing);
        }

        var sha256 = ModelSignature.Sha256Hex(artifact);
        var signature = ModelSignature.Sign(_key.Value, artifact);
        var directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "models", modelId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, version + ".onnx");
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, artifact, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        string? goldenPath = null;
        if (goldenJson is not null)
        {
            goldenPath = Path.Combine(directory, version + ".golden.json");
            await File.WriteAllTextAsync(goldenPath + ".tmp", goldenJson, cancellationToken).ConfigureAwait(false);
            File.Move(goldenPath + ".tmp", goldenPath, overwrite: true);
        }

        var status = await store.Models.AddAsync(
            new NewModel(modelId, version, sha256, signature, parentVersion, GoldenSetRef: goldenPath, MetricsJson: metricsJson, CardJson: cardJson, ArtifactPath: path), cancellationToken).ConfigureAwait(false);
        return (status, status == ModelAddStatus.Added ? await store.Models.GetAsync(modelId, version, cancellationToken).ConfigureAwait(false) : null);
    }

    public async Task<byte[]?> ReadArtifactAsync(ModelRecord model, CancellationToken cancellationToken)
    {
        if (model.ArtifactPath is { } path)
        {
            return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
        }

        return await storeService.Store.Models.GetArtifactAsync(model.ModelId, model.Version, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }
}
