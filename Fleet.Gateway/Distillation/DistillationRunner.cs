using Fleet.Gateway.Insights;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;

namespace Fleet.Gateway.Distillation;

/// <summary>
/// The distillation itself: synthesise inputs concentrated on the failing region (plus the normal operating range),
/// label them with the teacher (run in ONNX Runtime, whatever its graph), fine-tune a copy of the parent on them, measure the error against the teacher on
/// held-out samples of both before and after, and package the student with a fresh golden set validated in ONNX Runtime.
/// CPU-bound and synchronous; the <see cref="Distiller"/> runs it off the actor thread.
/// </summary>
internal static class DistillationRunner
{
    public static DistillationResult Run(
        OnnxTeacher teacher,
        ModelPackage parent,
        AggregatedRegion region,
        string newVersion,
        DistillationPolicy policy,
        Action<DistillationProgress> progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(progress);
        var student = Mlp.FromOnnx(Fleet.Shared.Onnx.Reading.OnnxModelReader.Read(parent.Onnx));
        if (teacher.InputSize != student.InputSize || teacher.OutputSize != student.OutputSize || region.Centroid.Length != student.InputSize)
        {
            throw new DistillationException($"teacher {teacher.InputSize}→{teacher.OutputSize}, parent {student.InputSize}→{student.OutputSize} and the failing region ({region.Centroid.Length} features) do not agree");
        }

        progress(new DistillationProgress("labelling", 0, policy.Epochs, null));
        var random = new Random(policy.Seed);
        var (min, max) = OperatingRange(parent.Golden, student.InputSize);
        var training = Label(teacher, Concat(RegionSampler.FromRegion(region, policy.RegionSamples, random), RegionSampler.Uniform(min, max, policy.NormalSamples, random)));
        var regionTest = Label(teacher, RegionSampler.FromRegion(region, policy.EvaluationSamples, random));
        var normalTest = Label(teacher, RegionSampler.Uniform(min, max, policy.EvaluationSamples, random));
        var regionBefore = ReferenceModels.RelativeError(student, regionTest);
        var normalBefore = ReferenceModels.RelativeError(student, normalTest);

        var losses = Train(student, training, policy, progress, cancellationToken);

        progress(new DistillationProgress("validating", policy.Epochs, policy.Epochs, losses[^1]));
        var metrics = new Dictionary<string, double>
        {
            ["regionErrorBefore"] = Math.Round(regionBefore, 6),
            ["regionErrorAfter"] = Math.Round(ReferenceModels.RelativeError(student, regionTest), 6),
            ["normalErrorBefore"] = Math.Round(normalBefore, 6),
            ["normalErrorAfter"] = Math.Round(ReferenceModels.RelativeError(student, normalTest), 6),
            ["finalLoss"] = Math.Round(losses[^1], 8),
            ["regionDevices"] = region.Devices,
        };
        var package = Package(student, parent, newVersion, metrics, normalTest);
        using (var session = InferenceSession.Create(package.Onnx))
        {
            var result = GoldenValidator.Validate(session.Run, package.Golden);
            if (!result.Passed)
            {
                throw new DistillationException($"the student's ONNX export fails its golden set in ONNX Runtime: {result.Message}");
            }
        }

        return new DistillationResult(student, package, metrics);
    }

    private static List<float> Train(Mlp student, TrainingSet data, DistillationPolicy policy, Action<DistillationProgress> progress, CancellationToken cancellationToken)
    {
        // One MlpTrainer call per epoch, at that epoch's cosine-decayed rate, so progress shows between epochs
        // (the trainer's Adam moments restart each epoch).
        var losses = new List<float>(policy.Epochs);
        for (var epoch = 0; epoch < policy.Epochs; epoch++)
        {
            var t = policy.Epochs == 1 ? 1f : epoch / (float)(policy.Epochs - 1);
            var rate = policy.FinalLearningRate + (0.5f * (policy.LearningRate - policy.FinalLearningRate) * (1 + MathF.Cos(MathF.PI * t)));
            var options = new TrainingOptions { Epochs = 1, LearningRate = rate, FinalLearningRate = rate, Alpha = policy.Alpha, Seed = policy.Seed + epoch };
            var report = MlpTrainer.Train(student, data, options, cancellationToken: cancellationToken);
            losses.Add(report.FinalLoss);
            progress(new DistillationProgress("training", epoch + 1, policy.Epochs, report.FinalLoss));
        }

        return losses;
    }

    private static TrainingSet Label(OnnxTeacher teacher, float[] inputs)
    {
        var targets = teacher.Label(inputs);
        return new TrainingSet(inputs.Length / teacher.InputSize, teacher.InputSize, teacher.OutputSize, inputs, targets, targets);
    }

    private static (float[] Min, float[] Max) OperatingRange(GoldenSet golden, int features)
    {
        var min = Enumerable.Repeat(float.PositiveInfinity, features).ToArray();
        var max = Enumerable.Repeat(float.NegativeInfinity, features).ToArray();
        foreach (var @case in golden.Cases)
        {
            for (var f = 0; f < features; f++)
            {
                min[f] = Math.Min(min[f], @case.Input[f]);
                max[f] = Math.Max(max[f], @case.Input[f]);
            }
        }

        return golden.Cases.Count == 0 ? (new float[features], Enumerable.Repeat(1f, features).ToArray()) : (min, max);
    }

    private static ModelPackage Package(Mlp student, ModelPackage parent, string newVersion, Dictionary<string, double> metrics, TrainingSet normal)
    {
        var onnx = student.ToOnnx(parent.Card.Id.Replace('-', '_'), exposeHidden: true);
        var cases = parent.Golden.Cases.Select(c => new GoldenCase(c.Input, student.Forward(c.Input))).ToArray();
        var golden = parent.Golden with { Cases = cases };
        var baseline = parent.Baseline;
        var values = Enumerable.Range(0, normal.Count).SelectMany(i => student.Forward(normal.Input(i)));
        var rebuilt = BaselineHistogram.Build(baseline.Model, baseline.OutputName, baseline.Min, baseline.Max, baseline.Counts.Length, values);
        return new ModelPackage(onnx, golden, rebuilt, null, new ModelCard(1, parent.Card.Id, newVersion, parent.Card.ModelVersion, metrics));
    }

    private static float[] Concat(float[] a, float[] b) => [.. a, .. b];
}
