namespace Fleet.Gateway.Store.Models;

/// <summary>A registered model version; artifact bytes, when inline, are read separately.</summary>
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
    DateTimeOffset Created);
