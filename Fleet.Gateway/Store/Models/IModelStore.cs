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

    /// <summary>The inline artifact bytes, or null when the version is unknown or keeps its artifact on disk.</summary>
    Task<byte[]?> GetArtifactAsync(string modelId, string version, CancellationToken cancellationToken);
}
