namespace Fleet.Shared.Health;

/// <summary>A trigger level learned from the device's own healthy history: <c>max(Floor, p(q) × Margin)</c>.</summary>
/// <remarks>
/// Until <see cref="DynamicThresholdOptions.WarmUpCount"/> values have been observed the initial
/// threshold applies and every value is learned (the initial threshold may be a poor guess). After
/// warm-up, values above the current threshold are not learned from, so a developing fault can never
/// raise the bar it is measured against. NaN always exceeds. O(1), allocation-free.
/// </remarks>
public sealed class DynamicThreshold
{
    private readonly DynamicThresholdOptions _options;
    private readonly StreamingPercentile _percentile;

    /// <summary>Creates a threshold with validated <paramref name="options"/>.</summary>
    public DynamicThreshold(DynamicThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        _percentile = new StreamingPercentile(options.Percentile);
    }

    /// <summary>True once enough healthy values were seen for the learned threshold to apply.</summary>
    public bool IsWarm => _percentile.Count >= _options.WarmUpCount;

    /// <summary>Healthy values learned from.</summary>
    public long Observations => _percentile.Count;

    /// <summary>The level above which a value counts as exceeding.</summary>
    public double Current => IsWarm && _percentile.Count > 0
        ? Math.Max(_options.Floor, _percentile.Value * _options.Margin)
        : _options.InitialThreshold;

    /// <summary>Records a window's value; returns true when it exceeds the current threshold (and is then not learned).</summary>
    public bool Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return true;
        }

        var exceeds = value > Current;
        if (!exceeds || !IsWarm)
        {
            _percentile.Add(value);
        }

        return exceeds;
    }

    /// <summary>Forgets the learned history (e.g. after a new model version is installed).</summary>
    public void Reset() => _percentile.Reset();
}
