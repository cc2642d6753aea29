using System.Text.Json.Serialization;

namespace Fleet.Shared.Models.Packaging;

/// <summary>The identity and lineage of a packaged model (<c>card.json</c>).</summary>
/// <param name="Version">Card format version, 1.</param>
/// <param name="Id">Model id, e.g. <c>vocoder</c>; a device only replaces a model with one of the same id or a declared fallback.</param>
/// <param name="ModelVersion">Dotted numeric version, e.g. <c>1.2.0</c> (see <see cref="ModelVersions"/>).</param>
/// <param name="Parent">The version this one was derived from (pruning, distillation, retraining), or null.</param>
/// <param name="Metrics">Named quality metrics, e.g. <c>relativeError</c>, <c>sparsity</c>.</param>
public sealed record ModelCard(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] string ModelVersion,
    [property: JsonPropertyName("parent")] string? Parent,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);
