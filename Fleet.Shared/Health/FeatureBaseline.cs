namespace Fleet.Shared.Health;

/// <summary>Per-feature mean and standard deviation of a model's inputs on healthy data.</summary>
/// <remarks>Standard deviations are floored at <see cref="MinStdDev"/> so constant features cannot divide by zero.</remarks>
public sealed class FeatureBaseline
{
    /// <summary>Smallest standard deviation a feature is given.</summary>
    public const float MinStdDev = 1e-6f;

    private readonly float[] _means;
    private readonly float[] _stdDevs;

    /// <summary>Creates a baseline from known means and standard deviations.</summary>
    public FeatureBaseline(ReadOnlySpan<float> means, ReadOnlySpan<float> stdDevs)
    {
        if (means.Length == 0 || means.Length != stdDevs.Length)
        {
            throw new ArgumentException("Means and standard deviations must be non-empty and of equal length.", nameof(stdDevs));
        }

        _means = means.ToArray();
        _stdDevs = new float[stdDevs.Length];
        for (var i = 0; i < stdDevs.Length; i++)
        {
            _stdDevs[i] = float.IsFinite(stdDevs[i]) ? Math.Max(stdDevs[i], MinStdDev) : throw new ArgumentException($"Standard deviation {i} is not finite.", nameof(stdDevs));
        }
    }

    /// <summary>Number of features.</summary>
    public int FeatureCount => _means.Length;

    /// <summary>Mean of each feature.</summary>
    public ReadOnlySpan<float> Means => _means;

    /// <summary>Standard deviation of each feature (floored).</summary>
    public ReadOnlySpan<float> StdDevs => _stdDevs;

    /// <summary>Measures a baseline from healthy input rows laid out row-major (<paramref name="featureCount"/> per row).</summary>
    public static FeatureBaseline FromRows(ReadOnlySpan<float> rows, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (rows.Length == 0 || rows.Length % featureCount != 0)
        {
            throw new ArgumentException("Rows must hold a positive whole number of rows.", nameof(rows));
        }

        var n = rows.Length / featureCount;
        var means = new double[featureCount];
        var squares = new double[featureCount];
        for (var r = 0; r < n; r++)
        {
            var row = rows.Slice(r * featureCount, featureCount);
            for (var f = 0; f < featureCount; f++)
            {
                means[f] += row[f];
            }
        }

        for (var f = 0; f < featureCount; f++)
        {
            means[f] /= n;
        }

        for (var r = 0; r < n; r++)
        {
            var row = rows.Slice(r * featureCount, featureCount);
            for (var f = 0; f < featureCount; f++)
            {
                var d = row[f] - means[f];
                squares[f] += d * d;
            }
        }

        var m = new float[featureCount];
        var s = new float[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            m[f] = (float)means[f];
            s[f] = (float)Math.Sqrt(squares[f] / n);
        }

        return new FeatureBaseline(m, s);
    }
}
