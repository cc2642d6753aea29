using Fleet.Device.Healing;
using Fleet.Device.Monitoring;
using Fleet.Gateway.Insights;
using Fleet.Shared.Protocol;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Insights;

/// <summary>Devices that add calibrated noise to their sketches (docs/PROTOCOL.md, <c>insight.noise</c>) still agree on the region.</summary>
public sealed class NoisyInsightAggregationTests(ITestOutputHelper output)
{
    private const int Devices = 100;
    private const int SamplesPerWindow = 25;

    [Theory]
    [InlineData("laplace", 2.0)]
    [InlineData("gaussian", 2.0)]
    public void Aggregate_OfNoisySketchesFromManyDevices_StaysCloseToTheTruth(string mechanism, double scale)
    {
        var random = new Random(4);
        var exact = Enumerable.Range(0, Devices).Select(_ => SketchOf(HighPitchWindow(random))).ToList();
        var options = new InsightNoiseOptions(mechanism, scale);
        var noisy = exact.Select(s => ToRegion(SketchNoise.Apply(s, options, random)) with { Noise = SketchNoise.Describe(options) }).ToList();

        var truth = RobustAggregation.Aggregate([.. exact.Select(ToRegion)], 0.2)!;
        var region = RobustAggregation.Aggregate(noisy, 0.2)!;

        output.WriteLine($"centroid exact [{string.Join(", ", truth.Centroid.Select(c => c.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}] noisy [{string.Join(", ", region.Centroid.Select(c => c.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}]");
        Assert.Equal(Devices, region.NoisyDevices);
        for (var f = 0; f < 3; f++)
        {
            Assert.InRange(region.Centroid[f] - truth.Centroid[f], -0.08, 0.08);
            var distance = 0.5 * region.Histograms[f].Zip(truth.Histograms[f], (a, b) => Math.Abs(a - b)).Sum();
            output.WriteLine($"feature {f}: total variation {distance:0.###}");
            Assert.True(distance < 0.15, $"feature {f}: total variation {distance} between the noisy and the exact aggregate");
        }

        // Pitch lives in bins 9–10 ([0.6875, 1.0625)); noise must not leak the region into the empty bins.
        var outside = region.Histograms[0].Where((_, b) => b is < 9 or > 10).Sum();
        Assert.True(outside < 0.05, $"{outside:0.###} of the pitch histogram outside the failing region");
    }

    [Fact]
    public void NoiseFloor_IsWhatClampedNoiseAddsToAnEmptyBin()
    {
        var random = new Random(5);
        var options = new InsightNoiseOptions("laplace", 3);
        var empty = new InputSketch(100, [0f], [0f], -1, 2, [new long[1]]);
        var mean = Enumerable.Range(0, 20_000).Average(_ => SketchNoise.Apply(empty, options, random).Histograms[0][0]);

        Assert.InRange(mean, RobustAggregation.NoiseFloor(SketchNoise.Describe(options)) * 0.85, RobustAggregation.NoiseFloor(SketchNoise.Describe(options)) * 1.15);
        Assert.Equal(0, RobustAggregation.NoiseFloor(new InsightNoise { Mechanism = "unknown", Scale = 3 }));
    }

    /// <summary>Pitch in [0.7, 1.0], energy and timbre anywhere in [0, 1]: a window of controls where the parent fails.</summary>
    internal static float[] HighPitchWindow(Random random)
    {
        var inputs = new float[SamplesPerWindow * 3];
        for (var i = 0; i < SamplesPerWindow; i++)
        {
            inputs[i * 3] = 0.7f + (0.3f * (float)random.NextDouble());
            inputs[(i * 3) + 1] = (float)random.NextDouble();
            inputs[(i * 3) + 2] = (float)random.NextDouble();
        }

        return inputs;
    }

    /// <summary>The sketch a device's watchdog makes of a window: mean, spread and 16 bins over [-1, 2] per feature.</summary>
    internal static InputSketch SketchOf(float[] inputs, int features = 3)
    {
        var count = inputs.Length / features;
        var centroid = new float[features];
        var spread = new float[features];
        var histograms = new long[features][];
        for (var f = 0; f < features; f++)
        {
            var values = Enumerable.Range(0, count).Select(i => (double)inputs[(i * features) + f]).ToArray();
            var mean = values.Average();
            centroid[f] = (float)mean;
            spread[f] = (float)Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            histograms[f] = new long[16];
            foreach (var v in values)
            {
                histograms[f][Math.Clamp((int)((v + 1) / 3 * 16), 0, 15)]++;
            }
        }

        return new InputSketch(count, centroid, spread, -1, 2, histograms);
    }

    internal static RegionSketch ToRegion(InputSketch s) => new(
        s.Samples,
        [.. s.Centroid.Select(c => (double)c)],
        [.. s.StdDev.Select(c => (double)c)],
        s.HistogramMin,
        s.HistogramMax,
        [.. s.Histograms.Select(h => h.Select(c => (double)c).ToArray())]);
}
