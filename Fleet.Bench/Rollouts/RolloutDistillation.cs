using Fleet.Gateway.Distillation;
using Fleet.Gateway.Insights;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;

namespace Fleet.Bench.Rollouts;

/// <summary>
/// A real distillation with the Distiller's engine: a parent that never saw pitch above 0.5, the reference vocoder as
/// teacher, and the high-pitch region devices would report; errors on that region before and after.
/// </summary>
internal static class RolloutDistillation
{
    public sealed record Errors(double StudentBefore, double StudentAfter, double Teacher, double StudentBeforeVsSynth, double StudentAfterVsSynth);

    public static Errors Run(BenchContext context)
    {
        var vocoder = ReferenceModels.Build().Vocoder;
        var teacher = vocoder.Network;
        using var onnxTeacher = OnnxTeacher.Load(vocoder.Onnx, Mlp.OutputName);
        var parent = ParentBlindAbovePitch(0.5f);
        var region = HighPitchRegion();
        var policy = new DistillationPolicy { Epochs = context.Scaled(30, 5) };
        var parentNetwork = Mlp.FromOnnx(Fleet.Shared.Onnx.Reading.OnnxModelReader.Read(parent.Onnx));
        var result = DistillationRunner.Run(onnxTeacher, parent, region, "1.1.0", policy, _ => { }, CancellationToken.None);
        var truth = SynthRegion(region, 1000);
        context.Progress.WriteLine($"rollout: distilled in {policy.Epochs} epochs; region error vs teacher {result.Metrics["regionErrorBefore"]:0.###} → {result.Metrics["regionErrorAfter"]:0.###}");
        return new Errors(
            result.Metrics["regionErrorBefore"],
            result.Metrics["regionErrorAfter"],
            ReferenceModels.RelativeError(teacher, truth),
            ReferenceModels.RelativeError(parentNetwork, truth),
            ReferenceModels.RelativeError(result.Student, truth));
    }

    /// <summary>Region samples labelled by the harmonic synthesiser (the ground truth the teacher was trained on).</summary>
    private static TrainingSet SynthRegion(AggregatedRegion region, int count)
    {
        var inputs = RegionSampler.FromRegion(region, count, new Random(99));
        var targets = new float[count * HarmonicSynth.FrameLength];
        for (var i = 0; i < count; i++)
        {
            HarmonicSynth.Render(inputs.AsSpan(i * HarmonicSynth.ControlCount, HarmonicSynth.ControlCount), targets.AsSpan(i * HarmonicSynth.FrameLength, HarmonicSynth.FrameLength));
        }

        return new TrainingSet(count, HarmonicSynth.ControlCount, HarmonicSynth.FrameLength, inputs, targets);
    }

    /// <summary>A small student trained only on pitch below <paramref name="maxPitch"/>: fine there, wrong above.</summary>
    private static ModelPackage ParentBlindAbovePitch(float maxPitch)
    {
        var full = ReferenceModels.SynthSet(3000, seed: 5);
        var keep = Enumerable.Range(0, full.Count).Where(i => full.Input(i)[0] < maxPitch).ToArray();
        var data = new TrainingSet(keep.Length, full.InputSize, full.OutputSize,
            keep.SelectMany(i => full.Input(i).ToArray()).ToArray(), keep.SelectMany(i => full.Target(i).ToArray()).ToArray());
        var student = Mlp.Create([3, 32, 32, HarmonicSynth.FrameLength], Activation.Tanh, Activation.Identity, seed: 11);
        MlpTrainer.Train(student, data, new TrainingOptions { Epochs = 25, Seed = 11 });
        var goldenInputs = ReferenceModels.SynthSet(16, seed: 6);
        var cases = Enumerable.Range(0, 16).Select(i => new GoldenCase(goldenInputs.Input(i).ToArray(), student.Forward(goldenInputs.Input(i)))).ToArray();
        var golden = new GoldenSet(1, "vocoder", Mlp.InputName, Mlp.OutputName, ReferenceModels.GoldenTolerance, cases);
        var baseline = BaselineHistogram.Build("vocoder", Mlp.OutputName, -1f, 1f, ReferenceModels.HistogramBins, cases.SelectMany(c => c.Expected));
        return new ModelPackage(student.ToOnnx("vocoder", exposeHidden: true), golden, baseline, null, new ModelCard(1, "vocoder", "1.0.0", null, new Dictionary<string, double>()));
    }

    /// <summary>The region devices report for that parent: pitch around 0.85, the other controls anywhere.</summary>
    private static AggregatedRegion HighPitchRegion()
    {
        static double[] Bins(int from, int to) => [.. Enumerable.Range(0, 16).Select(b => b >= from && b <= to ? 1.0 : 0.0)];
        return new AggregatedRegion(10, 0, 250, [0.85, 0.5, 0.5], [0.1, 0.29, 0.29], -1, 2, [Bins(9, 10), Bins(6, 10), Bins(6, 10)]);
    }
}
