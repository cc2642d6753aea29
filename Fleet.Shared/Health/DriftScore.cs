namespace Fleet.Shared.Health;

/// <summary>How far a window of inputs has moved from the baseline.</summary>
/// <param name="MeanShift">Largest per-feature mean shift in baseline standard deviations: <c>|μ_w − μ_b| / σ_b</c>.</param>
/// <param name="SpreadShift">Largest per-feature change of spread: <c>|ln(σ_w / σ_b)|</c> (0.69 = doubled or halved).</param>
/// <param name="WorstFeature">Index of the feature with the largest of the two shifts; −1 for an empty window.</param>
/// <param name="Samples">Rows in the window.</param>
public readonly record struct DriftScore(double MeanShift, double SpreadShift, int WorstFeature, long Samples)
{
    /// <summary>The single number a threshold is applied to: the larger of the two shifts.</summary>
    public double Score => Math.Max(MeanShift, SpreadShift);
}
