using System.Globalization;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Insights;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Distillation;

public sealed class DistillationRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_OnTheFailingRegion_CutsTheStudentsErrorThere_AndKeepsTheNormalRange()
    {
        var teacher = ReferenceModels.Build().Vocoder.Network;
        var parent = ParentBlindAbovePitch(0.5f);
        var region = HighPitchRegion();
        var stages = new List<DistillationProgress>();

        var result = DistillationRunner.Run(teacher, parent, region, "1.1.0", Policy, stages.Add, CancellationToken.None);

        var m = result.Metrics;
        output.WriteLine(string.Join(", ", m.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:0.####}"))));
        Assert.True(m["regionErrorAfter"] < 0.6 * m["regionErrorBefore"], $"region error {m["regionErrorBefore"]} → {m["regionErrorAfter"]}");
        Assert.True(m["normalErrorAfter"] < 1.5 * m["normalErrorBefore"], $"normal error {m["normalErrorBefore"]} → {m["normalErrorAfter"]}");
        Assert.Equal("1.0.0", result.Package.Card.Parent);
        Assert.Equal("1.1.0", result.Package.Card.ModelVersion);
        Assert.Equal(Policy.Epochs, stages.Count(s => s.Stage == "training"));
        Assert.Equal(Policy.Epochs, stages.Last(s => s.Stage == "training").Epoch);

        // The package is readable as any device would read it.
        Assert.True(ModelPackageReader.Read(ModelPackageWriter.Write(result.Package)).IsSuccess);
    }

    [Fact]
    public void Run_RegionOfTheWrongWidth_IsRefused()
    {
        var region = HighPitchRegion() with { Centroid = [0.5, 0.5] };
        Assert.Throws<DistillationException>(() =>
            DistillationRunner.Run(ReferenceModels.Build().Vocoder.Network, ParentBlindAbovePitch(0.5f), region, "1.1.0", Policy, _ => { }, CancellationToken.None));
    }

    private static DistillationPolicy Policy => new() { RegionSamples = 1500, NormalSamples = 1000, EvaluationSamples = 300, Epochs = 15 };

    /// <summary>A small student trained only on pitch below <paramref name="maxPitch"/>: it fails on high pitch.</summary>
    internal static ModelPackage ParentBlindAbovePitch(float maxPitch)
    {
        var full = ReferenceModels.SynthSet(3000, seed: 5);
        var keep = Enumerable.Range(0, full.Count).Where(i => full.Input(i)[0] < maxPitch).ToArray();
        var inputs = keep.SelectMany(i => full.Input(i).ToArray()).ToArray();
        var targets = keep.SelectMany(i => full.Target(i).ToArray()).ToArray();
        var data = new TrainingSet(keep.Length, full.InputSize, full.OutputSize, inputs, targets);
        var student = Mlp.Create([3, 32, 32, HarmonicSynth.FrameLength], Activation.Tanh, Activation.Identity, seed: 11);
        MlpTrainer.Train(student, data, new TrainingOptions { Epochs = 25, Seed = 11 });

        var goldenInputs = ReferenceModels.SynthSet(16, seed: 6);
        var cases = Enumerable.Range(0, 16).Select(i => new GoldenCase(goldenInputs.Input(i).ToArray(), student.Forward(goldenInputs.Input(i)))).ToArray();
        var golden = new GoldenSet(1, "vocoder", Mlp.InputName, Mlp.OutputName, ReferenceModels.GoldenTolerance, cases);
        var baseline = BaselineHistogram.Build("vocoder", Mlp.OutputName, -1f, 1f, ReferenceModels.HistogramBins, cases.SelectMany(c => c.Expected));
        var card = new ModelCard(1, "vocoder", "1.0.0", null, new Dictionary<string, double>());
        return new ModelPackage(student.ToOnnx("vocoder", exposeHidden: true), golden, baseline, null, card);
    }

    /// <summary>What devices report for the blind student: pitch in [0.6875, 1.0625], the other controls anywhere in [0, 1].</summary>
    internal static AggregatedRegion HighPitchRegion()
    {
        static double[] Bins(int from, int to) => [.. Enumerable.Range(0, 16).Select(b => b >= from && b <= to ? 1.0 : 0.0)];
        return new AggregatedRegion(10, 0, 250, [0.85, 0.5, 0.5], [0.1, 0.29, 0.29], -1, 2, [Bins(9, 10), Bins(6, 10), Bins(6, 10)]);
    }
}
