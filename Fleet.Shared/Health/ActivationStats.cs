using System.Numerics.Tensors;

namespace Fleet.Shared.Health;

/// <summary>Running mean, variance, minimum and maximum of a hidden layer's activations.</summary>
/// <remarks>
/// Each <see cref="Add"/> summarises its span with vectorised sums and extrema, then merges into the
/// running totals with Chan et al.'s parallel update in double precision. Within one span the variance
/// comes from single-precision sums, which is accurate for activation vectors of typical magnitude
/// (|x| ≲ 10³, thousands of values). NaN propagates to the summary (and so to an infinite anomaly
/// score). Allocation-free; not thread-safe.
/// </remarks>
public sealed class ActivationStats
{
    private long _count;
    private double _mean;
    private double _m2;
    private float _min = float.PositiveInfinity;
    private float _max = float.NegativeInfinity;
    private bool _sawNaN;

    /// <summary>Values accumulated.</summary>
    public long Count => _count;

    /// <summary>Adds one activation vector (or a batch of them).</summary>
    public void Add(ReadOnlySpan<float> activations)
    {
        if (activations.IsEmpty)
        {
            return;
        }

        var n = activations.Length;
        double sum = TensorPrimitives.Sum(activations);
        double squares = TensorPrimitives.SumOfSquares(activations);
        var min = TensorPrimitives.Min(activations);
        var max = TensorPrimitives.Max(activations);
        if (double.IsNaN(sum) || float.IsNaN(min) || float.IsNaN(max))
        {
            _sawNaN = true;
        }

        var batchMean = sum / n;
        var batchM2 = Math.Max(squares - (sum * batchMean), 0);
        var total = _count + n;
        var delta = batchMean - _mean;
        _mean += delta * n / total;
        _m2 += batchM2 + (delta * delta * _count * n / total);
        _count = total;
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    /// <summary>The summary so far.</summary>
    public ActivationSummary Summary() => _count == 0
        ? default
        : _sawNaN
            ? new ActivationSummary(_count, double.NaN, double.NaN, float.NaN, float.NaN)
            : new ActivationSummary(_count, _mean, _m2 / _count, _min, _max);

    /// <summary>Starts over.</summary>
    public void Reset()
    {
        _count = 0;
        _mean = 0;
        _m2 = 0;
        _min = float.PositiveInfinity;
        _max = float.NegativeInfinity;
        _sawNaN = false;
    }
}
