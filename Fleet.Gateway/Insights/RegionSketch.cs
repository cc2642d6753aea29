using System.Text.Json;

namespace Fleet.Gateway.Insights;

/// <summary>
/// The input region of a failing window as a device summarised it (docs/PROTOCOL.md, <c>insight.region</c>):
/// per input feature a mean, a standard deviation and a histogram over [<see cref="HistogramMin"/>, <see cref="HistogramMax"/>].
/// Never raw inputs.
/// </summary>
internal sealed record RegionSketch(long Samples, double[] Centroid, double[] StdDev, double HistogramMin, double HistogramMax, double[][] Histograms)
{
    /// <summary>The noise the device says it added (<c>insight.noise</c>), or null for an exact sketch.</summary>
    public Fleet.Shared.Protocol.InsightNoise? Noise { get; init; }

    public const int MaxFeatures = 1024;

    public const int MaxBins = 256;

    public int Features => Centroid.Length;

    public int Bins => Histograms.Length == 0 ? 0 : Histograms[0].Length;

    /// <summary>The sketch in <paramref name="region"/>, or null with the reason when it is absent or malformed.</summary>
    public static RegionSketch? TryParse(JsonElement region, out string? error)
    {
        error = null;
        if (region.ValueKind != JsonValueKind.Object)
        {
            error = "region is not an object";
            return null;
        }

        if (!TryLong(region, "samples", out var samples) || samples <= 0)
        {
            error = "region.samples must be a positive integer";
            return null;
        }

        var centroid = Vector(region, "centroid");
        var stdDev = Vector(region, "stdDev");
        if (centroid is null || stdDev is null || centroid.Length == 0 || centroid.Length > MaxFeatures || stdDev.Length != centroid.Length
            || stdDev.Any(s => s < 0))
        {
            error = "region.centroid and region.stdDev must be finite vectors of the same width (1..1024), stdDev non-negative";
            return null;
        }

        var min = Number(region, "histogramMin");
        var max = Number(region, "histogramMax");
        var histograms = ReadHistograms(region, centroid.Length);
        if (min is null || max is null || !(max > min) || histograms is null)
        {
            error = "region.histograms must be one equal-width histogram per feature over [histogramMin, histogramMax] with non-negative counts";
            return null;
        }

        return new RegionSketch(samples, centroid, stdDev, min.Value, max.Value, histograms);
    }

    private static bool TryLong(JsonElement element, string name, out long value)
    {
        value = 0;
        return element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetInt64(out value);
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : null;

    private static double[]? Vector(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new double[property.GetArrayLength()];
        var i = 0;
        foreach (var item in property.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                return null;
            }

            values[i++] = value;
        }

        return values;
    }

    private static double[][]? ReadHistograms(JsonElement region, int features)
    {
        if (!region.TryGetProperty("histograms", out var property) || property.ValueKind != JsonValueKind.Array || property.GetArrayLength() != features)
        {
            return null;
        }

        var histograms = new double[features][];
        var i = 0;
        foreach (var item in property.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var counts = new double[item.GetArrayLength()];
            var j = 0;
            foreach (var count in item.EnumerateArray())
            {
                if (count.ValueKind != JsonValueKind.Number || !count.TryGetDouble(out var value) || !double.IsFinite(value) || value < 0)
                {
                    return null;
                }

                counts[j++] = value;
            }

            if (counts.Length == 0 || counts.Length > MaxBins || (i > 0 && counts.Length != histograms[0].Length))
            {
                return null;
            }

            histograms[i++] = counts;
        }

        return histograms;
    }
}
