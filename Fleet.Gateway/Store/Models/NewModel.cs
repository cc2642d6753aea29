namespace Fleet.Gateway.Store.Models;

/// <summary>A model version to register; the store stamps the creation time.</summary>
/// <param name="ParentVersion">The version of the same model this one was derived from (distilled or fine-tuned), or null for a root.</param>
/// <param name="ArtifactPath">Where the artifact lives on disk, when it is not stored inline.</param>
/// <param name="Artifact">The artifact bytes to store inline, when it has no path.</param>
internal sealed record NewModel(
    string ModelId,
    string Version,
    string Sha256,
    string? Signature = null,
    string? ParentVersion = null,
    string? GoldenSetRef = null,
    string MetricsJson = "{}",
    string CardJson = "{}",
    string? ArtifactPath = null,
    ReadOnlyMemory<byte>? Artifact = null);
