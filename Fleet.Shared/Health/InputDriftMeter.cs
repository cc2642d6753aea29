using System.Numerics.Tensors;

namespace Fleet.Shared.Health;

/// <summary>Accumulates a window of model inputs and scores how far they drifted from a <see cref="FeatureBaseline"/>.</summary>
/// <remarks>
/// Data drift shows as the inputs' per-feature mean or spread moving away from the healthy baseline
/// while the weights are intact. Samples are accumulated relative to the baseline mean, which keeps
/// single-precision sums accurate. <see cref="Add"/> allocates nothing and is vectorised. Not thread-safe.
/// </remarks>
public sealed class InputDriftMeter
{
    private readonly FeatureBaseline _baseline;
    private readonly float[] _centred;
    private readonly float[] _sum;
    private readonly float[] _sumOfSquares;

    /// <summary>Creates a meter against <paramref name="baseline"/>.</summary>
    public InputDriftMeter(FeatureBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        _baseline = baseline;
        _centred = new float[baseline.FeatureCount];
        _sum = new float[baseline.FeatureCount];
        _sumOfSquares = new float[baseline.FeatureCount];
    }

    /// <summary>Rows accumulated since the last <see cref="Reset"/>.</summary>
    public long Samples { get; private set; }

    /// <summary>Adds one input row of <see cref="FeatureBaseline.FeatureCount"/> features.</summary>
    public void Add(ReadOnlySpan<float> row)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(row.Length, _centred.Length, nameof(row));
        TensorPrimitives.Subtract(row, _baseline.Means, _centred);
        TensorPrimitives.Add(_sum, _centred, _sum);
        TensorPrimitives.MultiplyAdd(_centred, _centred, _sumOfSquares, _sumOfSquares);
        Samples++;
    }

    /// <summary>Scores the window so far.</summary>
    public DriftScore Score()
    {
        if (Samples == 0)
        {
            return new DriftScore(0, 0, -1, 0);
        }

        var n = (double)Samples;
        var std = _baseline.StdDevs;
        double worstMean = 0, worstSpread = 0, worst = -1;
        var worstFeature = -1;
        for (var f = 0; f < _sum.Length; f++)
        {
            var shift = _sum[f] / n;
            var variance = Math.Max((_sumOfSquares[f] / n) - (shift * shift), 0);
            var meanShift = Math.Abs(shift) / std[f];
            var spread = Math.Max(Math.Sqrt(variance), FeatureBaseline.MinStdDev);
            var spreadShift = Math.Abs(Math.Log(spread / std[f]));
            worstMean = Math.Max(worstMean, meanShift);
            worstSpread = Math.Max(worstSpread, spreadShift);
            if (Math.Max(meanShift, spreadShift) > worst)
            {
                worst = Math.Max(meanShift, spreadShift);
                worstFeature = f;
            }
        }

        return new DriftScore(worstMean, worstSpread, worstFeature, Samples);
    }

    /// <summary>Starts a new window.</summary>
    public void Reset()
    {
        Array.Clear(_sum);
        Array.Clear(_sumOfSquares);
        Samples = 0;
    }
}
