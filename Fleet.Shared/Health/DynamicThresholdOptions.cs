namespace Fleet.Shared.Health;

/// <summary>How a <see cref="DynamicThreshold"/> turns a device's healthy history into a trigger level.</summary>
/// <param name="Percentile">The quantile of healthy values tracked (0.99 = p99).</param>
/// <param name="Margin">Multiplier on that quantile; above 1 so ordinary healthy extremes do not trigger.</param>
/// <param name="Floor">The threshold never goes below this, however quiet the history.</param>
/// <param name="WarmUpCount">Healthy values needed before the learned threshold is used.</param>
/// <param name="InitialThreshold">The threshold used during warm-up (e.g. from the model's manifest).</param>
public sealed record DynamicThresholdOptions(
    double Percentile = 0.99,
    double Margin = 1.5,
    double Floor = 0.02,
    int WarmUpCount = 30,
    double InitialThreshold = 0.25)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public DynamicThresholdOptions Validate()
    {
        if (!(Percentile > 0 && Percentile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "Must lie strictly between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Margin, 1.0, nameof(Margin));
        ArgumentOutOfRangeException.ThrowIfNegative(Floor, nameof(Floor));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmUpCount, nameof(WarmUpCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialThreshold, Floor, nameof(InitialThreshold));
        if (!double.IsFinite(Margin) || !double.IsFinite(Floor) || !double.IsFinite(InitialThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(Margin), "Margin, floor and initial threshold must be finite.");
        }

        return this;
    }
}
