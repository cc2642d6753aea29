namespace Fleet.Device.Monitoring;

/// <summary>
/// The sampled input rows of one window, kept as they came (a few dozen rows of a few features) so that drift
/// scoring, the warm-up baseline and the insight sketch are computed once at the window's end, not per inference.
/// </summary>
/// <remarks>Appending copies one row; the buffer grows only when a window holds more rows than any before it.</remarks>
internal sealed class InputWindow(int featureCount, int expectedRows)
{
    private const int SketchBins = 16;
    private const float SketchMin = -1f;
    private const float SketchMax = 2f;

    private float[] _rows = new float[featureCount * Math.Max(expectedRows, 1)];

    public int FeatureCount { get; } = featureCount;

    public int Count { get; private set; }

    /// <summary>The rows, row-major.</summary>
    public ReadOnlySpan<float> Rows => _rows.AsSpan(0, Count * FeatureCount);

    public void Add(ReadOnlySpan<float> row)
    {
        var at = Count * FeatureCount;
        if (at + FeatureCount > _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
        }

        row[..FeatureCount].CopyTo(_rows.AsSpan(at));
        Count++;
    }

    public void Reset() => Count = 0;

    /// <summary>Per-feature centroid, spread and coarse histogram of the rows; null when the window is empty.</summary>
    public InputSketch? Sketch()
    {
        if (Count == 0)
        {
            return null;
        }

        var centroid = new float[FeatureCount];
        var spread = new float[FeatureCount];
        var histograms = new long[FeatureCount][];
        var rows = Rows;
        for (var f = 0; f < FeatureCount; f++)
        {
            double sum = 0, squares = 0;
            var bins = histograms[f] = new long[SketchBins];
            for (var r = f; r < rows.Length; r += FeatureCount)
            {
                var x = rows[r];
                sum += x;
                squares += (double)x * x;
                bins[Math.Clamp((int)((x - SketchMin) / (SketchMax - SketchMin) * SketchBins), 0, SketchBins - 1)]++;
            }

            var mean = sum / Count;
            centroid[f] = (float)Math.Round(mean, 4);
            spread[f] = (float)Math.Round(Math.Sqrt(Math.Max(0, (squares / Count) - (mean * mean))), 4);
        }

        return new InputSketch(Count, centroid, spread, SketchMin, SketchMax, histograms);
    }
}
