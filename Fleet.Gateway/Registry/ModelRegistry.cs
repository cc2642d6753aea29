using System.Security.Cryptography;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Security;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Registry;

/// <summary>
/// Model uploads: artifacts are hashed, signed with the fleet key (<c>{secrets}/fleet-key.pem</c>, created on first use)
/// and kept in the fleet store with their golden set, so every node of a gateway cluster serves every model.
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
    /// Registers a version: the artifact and <paramref name="goldenJson"/>, the golden set a bare ONNX file was validated
    /// with, go into the store with the row (one write; nothing on this node's disk).
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
        var status = await store.Models.AddAsync(
            new NewModel(modelId, version, sha256, signature, parentVersion, MetricsJson: metricsJson, CardJson: cardJson, Artifact: artifact, GoldenSetJson: goldenJson),
            cancellationToken).ConfigureAwait(false);
        return (status, status == ModelAddStatus.Added ? await store.Models.GetAsync(modelId, version, cancellationToken).ConfigureAwait(false) : null);
    }

    /// <summary>
    /// The version's artifact: from the store; for a registration made before artifacts moved into the store and not
    /// imported yet (<see cref="LegacyModelImport"/>), from its file when this node has it; else null.
    /// </summary>
    public async Task<byte[]?> ReadArtifactAsync(ModelRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (await storeService.Store.Models.GetArtifactAsync(model.ModelId, model.Version, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        return model.ArtifactPath is { } path && File.Exists(path)
            ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)
            : null;
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }
}
