namespace Fleet.Shared.Health;

/// <summary>Mean, variance and range of a layer's activations, from <see cref="ActivationStats"/>.</summary>
/// <param name="Count">Values summarised.</param>
/// <param name="Mean">Their mean.</param>
/// <param name="Variance">Their population variance.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public readonly record struct ActivationSummary(long Count, double Mean, double Variance, float Min, float Max)
{
    /// <summary>Standard deviation.</summary>
    public double StdDev => Math.Sqrt(Variance);

    /// <summary>How unlike <paramref name="baseline"/> these activations are; 0 when identical.</summary>
    /// <remarks>
    /// The largest of: the mean shift in baseline standard deviations, <c>|ln(σ / σ_b)|</c>, and how far
    /// the range leaves the baseline's range, in baseline standard deviations. Exploding or dead
    /// activations (a pre-failure sign) score high; any NaN scores +∞. Empty summaries score 0.
    /// </remarks>
    public double AnomalyScore(ActivationSummary baseline)
    {
        if (Count == 0 || baseline.Count == 0)
        {
            return 0;
        }

        if (double.IsNaN(Mean) || double.IsNaN(Variance) || float.IsNaN(Min) || float.IsNaN(Max))
        {
            return double.PositiveInfinity;
        }

        var sigma = Math.Max(baseline.StdDev, FeatureBaseline.MinStdDev);
        var meanShift = Math.Abs(Mean - baseline.Mean) / sigma;
        var spreadShift = Math.Abs(Math.Log(Math.Max(StdDev, FeatureBaseline.MinStdDev) / sigma));
        var rangeExcess = Math.Max(0, Math.Max(Max - baseline.Max, baseline.Min - Min)) / sigma;
        return Math.Max(meanShift, Math.Max(spreadShift, rangeExcess));
    }
}
