using Fleet.Device.Healing;
using Fleet.Device.Monitoring;

namespace Fleet.Tests.Device.Healing;

public sealed class SketchNoiseTests
{
    private static readonly InputSketch Exact = new(400, [0.5f, 0.25f], [0.1f, 0.2f], -1, 2, [[0, 0, 0, 0, 0, 200, 200, 0], [0, 0, 0, 0, 400, 0, 0, 0]]);

    [Theory]
    [InlineData("laplace")]
    [InlineData("gaussian")]
    public void Apply_AddsNoiseOfTheConfiguredScale_CountsStayNonNegativeIntegers(string mechanism)
    {
        var options = new InsightNoiseOptions(mechanism, 4);
        var random = new Random(1);
        var deviations = new List<double>();
        for (var i = 0; i < 2000; i++)
        {
            var noisy = SketchNoise.Apply(Exact, options, random);
            Assert.All(noisy.Histograms.SelectMany(h => h), c => Assert.True(c >= 0));
            Assert.All(noisy.StdDev, s => Assert.True(s >= 0));
            deviations.Add(noisy.Histograms[0][5] - 200.0);
        }

        // A large count is never clamped: its noise averages 0 and spreads by the scale (Laplace: mean |x| = b; Gaussian: σ).
        Assert.InRange(deviations.Average(), -0.5, 0.5);
        var spread = mechanism == "laplace" ? deviations.Average(Math.Abs) : Math.Sqrt(deviations.Average(d => d * d));
        Assert.InRange(spread, 3.5, 4.5);
    }

    [Fact]
    public void Apply_ScalesCentroidNoiseByTheInfluenceOfOneInput()
    {
        var random = new Random(2);
        var shifts = Enumerable.Range(0, 2000).Select(_ => SketchNoise.Apply(Exact, new InsightNoiseOptions("laplace", 4), random).Centroid[0] - 0.5).ToList();

        // b · range / samples = 4 · 3 / 400 = 0.03 (4-decimal rounding blurs it a little).
        Assert.InRange(shifts.Average(Math.Abs), 0.025, 0.035);
    }

    [Fact]
    public void Apply_Off_ReturnsTheSketchUntouched_AndDescribesNoNoise()
    {
        Assert.Same(Exact, SketchNoise.Apply(Exact, InsightNoiseOptions.Off, new Random(3)));
        Assert.Null(SketchNoise.Describe(InsightNoiseOptions.Off));
        Assert.Equal(2.5, SketchNoise.Describe(new InsightNoiseOptions("gaussian", 2.5))!.Scale);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("none", true)]
    [InlineData("laplace:2", true)]
    [InlineData("gaussian:0.5", true)]
    [InlineData("laplace", false)]
    [InlineData("laplace:0", false)]
    [InlineData("uniform:1", false)]
    [InlineData("gaussian:x", false)]
    public void Parse_AcceptsOnlyAKnownMechanismWithAPositiveScale(string? text, bool valid) =>
        Assert.Equal(valid, InsightNoiseOptions.Parse(text).Problem is null);
}
