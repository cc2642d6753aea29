using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class InputDriftMeterTests
{
    private static float[] Rows(Random rng, int rows, float mean0, float std0, float mean1, float std1)
    {
        var data = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            data[2 * r] = mean0 + (std0 * Gaussian(rng));
            data[(2 * r) + 1] = mean1 + (std1 * Gaussian(rng));
        }

        return data;
    }

    private static float Gaussian(Random rng) => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    [Fact]
    public void Score_OfInputsLikeTheBaseline_IsSmall()
    {
        var rng = new Random(3);
        var baseline = FeatureBaseline.FromRows(Rows(rng, 20_000, 100, 5, -3, 0.5f), 2);
        var meter = new InputDriftMeter(baseline);
        var window = Rows(rng, 2_000, 100, 5, -3, 0.5f);
        for (var r = 0; r < 2_000; r++)
        {
            meter.Add(window.AsSpan(r * 2, 2));
        }

        Assert.InRange(meter.Score().Score, 0, 0.1);
    }

    [Fact]
    public void Score_NamesTheFeatureWhoseMeanMoved()
    {
        var rng = new Random(4);
        var baseline = FeatureBaseline.FromRows(Rows(rng, 20_000, 100, 5, -3, 0.5f), 2);
        var meter = new InputDriftMeter(baseline);
        var window = Rows(rng, 2_000, 100, 5, -2, 0.5f);
        for (var r = 0; r < 2_000; r++)
        {
            meter.Add(window.AsSpan(r * 2, 2));
        }

        var score = meter.Score();

        Assert.Equal(1, score.WorstFeature);
        Assert.InRange(score.MeanShift, 1.8, 2.2);
        Assert.InRange(score.SpreadShift, 0, 0.1);
    }

    [Fact]
    public void Score_SeesASpreadChangeWithoutAMeanChange()
    {
        var rng = new Random(5);
        var baseline = FeatureBaseline.FromRows(Rows(rng, 20_000, 0, 1, 0, 1), 2);
        var meter = new InputDriftMeter(baseline);
        var window = Rows(rng, 4_000, 0, 2, 0, 1);
        for (var r = 0; r < 4_000; r++)
        {
            meter.Add(window.AsSpan(r * 2, 2));
        }

        var score = meter.Score();

        Assert.Equal(0, score.WorstFeature);
        Assert.InRange(score.SpreadShift, Math.Log(2) - 0.05, Math.Log(2) + 0.05);

        meter.Reset();
        Assert.Equal(0, meter.Score().Score);
    }

    [Fact]
    public void PopulationStabilityIndex_EqualsTheTextbookFormula()
    {
        double[] expected = [0.25, 0.25, 0.5], actual = [0.2, 0.3, 0.5];
        var psi = ((0.2 - 0.25) * Math.Log(0.2 / 0.25)) + ((0.3 - 0.25) * Math.Log(0.3 / 0.25));

        Assert.Equal(psi, PopulationStability.Index(expected, actual), 12);
    }
}
