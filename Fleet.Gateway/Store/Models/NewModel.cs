namespace Fleet.Gateway.Store.Models;

/// <summary>A model version to register; the store stamps the creation time.</summary>
/// <param name="ParentVersion">The version of the same model this one was derived from (distilled or fine-tuned), or null for a root.</param>
/// <param name="GoldenSetRef">Where a golden set lives on disk (registrations made before golden sets moved into the store).</param>
/// <param name="ArtifactPath">Where the artifact lives on disk (registrations made before artifacts moved into the store).</param>
/// <param name="Artifact">The artifact bytes, stored in the store so every gateway node serves them.</param>
/// <param name="GoldenSetJson">The golden set a bare ONNX file was validated with, stored with it.</param>
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
    ReadOnlyMemory<byte>? Artifact = null,
    string? GoldenSetJson = null);
