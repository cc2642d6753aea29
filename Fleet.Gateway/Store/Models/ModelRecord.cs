namespace Fleet.Gateway.Store.Models;

/// <summary>A registered model version; artifact bytes and golden set, kept in the store, are read separately.</summary>
/// <param name="ArtifactPath">Where the artifact was written on one node's disk, for a registration made before artifacts moved into the store and not imported yet.</param>
/// <param name="HasInlineArtifact">Whether the artifact bytes are in the store (<see cref="IModelStore.GetArtifactAsync"/>).</param>
/// <param name="HasGoldenSet">Whether a golden set sent with a bare ONNX file is in the store (<see cref="IModelStore.GetGoldenSetAsync"/>).</param>
internal sealed record ModelRecord(
    string ModelId,
    string Version,
    string Sha256,
    string? Signature,
    string? ParentVersion,
    string? GoldenSetRef,
    string MetricsJson,
    string CardJson,
    string? ArtifactPath,
    bool HasInlineArtifact,
    bool HasGoldenSet,
    DateTimeOffset Created);
