using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Shared.Models;

/// <summary>
/// The distribution of a healthy model's output values: <c>counts[i]</c> values fell in bin i of equal-width bins
/// over [min, max] (values outside are clamped into the edge bins). A device compares its live histogram with this
/// one (KL divergence) to notice a model going wrong.
/// </summary>
public sealed record BaselineHistogram(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("output")] string OutputName,
    [property: JsonPropertyName("min")] float Min,
    [property: JsonPropertyName("max")] float Max,
    [property: JsonPropertyName("counts")] long[] Counts)
{
    /// <summary>Total number of values counted.</summary>
    public long Total => Counts.Sum();

    /// <summary>Bin index of <paramref name="value"/> (clamped to the edge bins; NaN goes to bin 0).</summary>
    public int BinOf(float value)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }

        var bin = (int)MathF.Floor((value - Min) / (Max - Min) * Counts.Length);
        return Math.Clamp(bin, 0, Counts.Length - 1);
    }

    /// <summary>Counts <paramref name="values"/> into a histogram with the same bins.</summary>
    public static BaselineHistogram Build(string model, string outputName, float min, float max, int bins, IEnumerable<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (!(max > min))
        {
            throw new ArgumentException("max must exceed min", nameof(max));
        }

        var histogram = new BaselineHistogram(1, model, outputName, min, max, new long[bins]);
        foreach (var v in values)
        {
            histogram.Counts[histogram.BinOf(v)]++;
        }

        return histogram;
    }

    /// <summary>The JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelsJsonContext.Default.BaselineHistogram);

    /// <summary>Parses the JSON form.</summary>
    public static BaselineHistogram FromJson(string json) =>
        JsonSerializer.Deserialize(json, ModelsJsonContext.Default.BaselineHistogram) ?? throw new FormatException("not a baseline histogram");
}
