using Fleet.Device.Monitoring;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>
/// Adds calibrated noise to an input sketch before it leaves the device: every histogram count gets noise of the
/// configured scale (then rounded and clamped at 0, post-processing that keeps the guarantee), centroids and spreads get
/// the same mechanism scaled by the influence one input has on a mean of the window's samples. Pure but for the
/// <see cref="Random"/> it is given.
/// </summary>
internal static class SketchNoise
{
    public static InputSketch Apply(InputSketch sketch, InsightNoiseOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (!options.Enabled)
        {
            return sketch;
        }

        var meanScale = options.Scale * (sketch.HistogramMax - sketch.HistogramMin) / Math.Max(1, sketch.Samples);
        var centroid = sketch.Centroid.Select(c => (float)Math.Round(c + Draw(options.Mechanism, meanScale, random), 4)).ToArray();
        var spread = sketch.StdDev.Select(s => (float)Math.Round(Math.Max(0, s + Draw(options.Mechanism, meanScale, random)), 4)).ToArray();
        var histograms = sketch.Histograms
            .Select(h => h.Select(count => Math.Max(0, (long)Math.Round(count + Draw(options.Mechanism, options.Scale, random)))).ToArray())
            .ToArray();
        return sketch with { Centroid = centroid, StdDev = spread, Histograms = histograms };
    }

    /// <summary>What the insight says about the noise added, or null when none was.</summary>
    public static InsightNoise? Describe(InsightNoiseOptions options) =>
        options is { Enabled: true } ? new InsightNoise { Mechanism = options.Mechanism, Scale = options.Scale } : null;

    private static double Draw(string mechanism, double scale, Random random)
    {
        // Inverse CDF for Laplace, Box–Muller for Gaussian; neither takes the log of 0.
        var u = random.NextDouble() - 0.5;
        return mechanism == "gaussian"
            ? scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())
            : -scale * Math.Sign(u) * Math.Log(Math.Max(1 - (2 * Math.Abs(u)), double.Epsilon));
    }
}
