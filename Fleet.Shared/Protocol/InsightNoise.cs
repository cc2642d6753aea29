using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>The calibrated noise a device added to an insight's region sketch (<c>insight.noise</c>), so the aggregator knows.</summary>
/// <remarks>
/// <see cref="Scale"/> is in histogram counts: each count got noise of that scale (Laplace <c>b</c>, Gaussian <c>σ</c>), was
/// rounded and clamped at 0; each centroid and spread coordinate got the same mechanism at
/// <c>Scale · (histogramMax − histogramMin) / samples</c>, the influence of one input on a mean of <c>samples</c> values in range.
/// </remarks>
public sealed record InsightNoise
{
    /// <summary><c>laplace</c> or <c>gaussian</c>; receivers treat other values as noise of unknown shape.</summary>
    [JsonPropertyName("mechanism")]
    public required string Mechanism { get; init; }

    /// <summary>The noise scale per histogram count (Laplace b, Gaussian σ), &gt; 0.</summary>
    [JsonPropertyName("scale")]
    public double Scale { get; init; }
}
