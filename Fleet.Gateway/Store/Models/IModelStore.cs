namespace Fleet.Gateway.Store.Models;

/// <summary>The model registry: versions with hashes, signatures, lineage, metrics and cards.</summary>
internal interface IModelStore
{
    Task<ModelAddStatus> AddAsync(NewModel model, CancellationToken cancellationToken);

    Task<ModelRecord?> GetAsync(string modelId, string version, CancellationToken cancellationToken);

    /// <summary>Ids of every registered model, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListModelIdsAsync(CancellationToken cancellationToken);

    /// <summary>Every version of a model, newest first.</summary>
    Task<IReadOnlyList<ModelRecord>> ListVersionsAsync(string modelId, CancellationToken cancellationToken);

    /// <summary>The version and its ancestors, nearest first (the version itself comes first); empty when unknown.</summary>
    Task<IReadOnlyList<ModelRecord>> GetLineageAsync(string modelId, string version, CancellationToken cancellationToken);

    /// <summary>Replaces the metrics (e.g. after a golden-set evaluation); false when the version is unknown.</summary>
    Task<bool> SetMetricsAsync(string modelId, string version, string metricsJson, CancellationToken cancellationToken);

    /// <summary>The artifact bytes in the store, or null when the version is unknown or its artifact is still only on a node's disk.</summary>
    Task<byte[]?> GetArtifactAsync(string modelId, string version, CancellationToken cancellationToken);

    /// <summary>The golden set kept with the version (sent with a bare ONNX file), or null when there is none in the store.</summary>
    Task<string?> GetGoldenSetAsync(string modelId, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a version registered with an on-disk artifact into the store: sets its artifact (and golden set, when
    /// given) and clears the paths. False when the version is unknown or already has its artifact in the store (another
    /// node imported it first): nothing changes then.
    /// </summary>
    Task<bool> ImportArtifactAsync(string modelId, string version, ReadOnlyMemory<byte> artifact, string? goldenSetJson, CancellationToken cancellationToken);
}
