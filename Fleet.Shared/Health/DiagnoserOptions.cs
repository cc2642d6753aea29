namespace Fleet.Shared.Health;

/// <summary>The diagnosis policy as data: thresholds and the order in which classes are considered.</summary>
/// <param name="InputShiftThreshold">Input drift score (baseline standard deviations) at or above which inputs have drifted.</param>
/// <param name="LatencyRatioThreshold">p99 latency over its healthy baseline at or above which compute is degraded.</param>
/// <param name="TemperatureLimitC">SoC temperature at or above which compute is degraded (throttling).</param>
/// <param name="Precedence">Classes tried in order; the first whose evidence holds wins, else <see cref="Diagnosis.ModelQuality"/>.</param>
public sealed record DiagnoserOptions(
    double InputShiftThreshold,
    double LatencyRatioThreshold,
    double TemperatureLimitC,
    IReadOnlyList<Diagnosis> Precedence)
{
    /// <summary>Drift at 1σ, latency at 2× baseline, 80 °C; digests first, then drift, then compute.</summary>
    public static DiagnoserOptions Default { get; } = new(1.0, 2.0, 80.0, [Diagnosis.Hardware, Diagnosis.DataDrift, Diagnosis.Compute]);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public DiagnoserOptions Validate()
    {
        if (!(InputShiftThreshold > 0) || !double.IsFinite(InputShiftThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(InputShiftThreshold), InputShiftThreshold, "Must be positive and finite.");
        }

        if (!(LatencyRatioThreshold > 1) || !double.IsFinite(LatencyRatioThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyRatioThreshold), LatencyRatioThreshold, "Must be above 1 and finite.");
        }

        if (!double.IsFinite(TemperatureLimitC))
        {
            throw new ArgumentOutOfRangeException(nameof(TemperatureLimitC), TemperatureLimitC, "Must be finite.");
        }

        ArgumentNullException.ThrowIfNull(Precedence);
        if (Precedence.Contains(Diagnosis.ModelQuality) || Precedence.Distinct().Count() != Precedence.Count)
        {
            throw new ArgumentException("Precedence lists distinct classes and never ModelQuality, which is the fallback.", nameof(Precedence));
        }

        return this;
    }
}
