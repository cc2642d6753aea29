namespace Fleet.Shared.Health;

/// <summary>Population Stability Index, the credit-risk industry's drift measure over binned distributions.</summary>
/// <remarks>
/// <c>PSI = Σ (a[i] − e[i]) · ln(a[i] / e[i])</c>, which equals Jeffreys divergence. Rule of thumb:
/// below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 significant shift. Inputs must be smoothed
/// probabilities (no zeros).
/// </remarks>
public static class PopulationStability
{
    /// <summary>PSI of <paramref name="actual"/> against <paramref name="expected"/>.</summary>
    public static double Index(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual) =>
        KlDivergence.Symmetric(actual, expected);

    /// <summary>PSI of two histograms with the same edges, smoothed by <paramref name="pseudoCount"/>.</summary>
    public static double Index(Histogram expected, Histogram actual, double pseudoCount = 0.5) =>
        KlDivergence.Compute(actual, expected, pseudoCount) + KlDivergence.Compute(expected, actual, pseudoCount);
}
