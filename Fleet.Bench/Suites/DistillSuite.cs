using System.Diagnostics;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Insights;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;

namespace Fleet.Bench.Suites;

/// <summary>
/// Distillation on the gateway: teacher labelling in ONNX Runtime (batched) against the in-memory C# forward pass of the
/// same network, and one whole distillation (reference safety model as parent, vocoder as teacher, a high-pitch region).
/// </summary>
internal sealed class DistillSuite : IBenchSuite
{
    public string Name => "distill";

    public string Description => "teacher labelling ORT (batched) vs C# forward pass; one distillation: time, error before/after vs teacher";

    public Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        OnnxRuntime.Initialize();
        context.Progress.WriteLine("distill: building the reference models…");
        var reference = ReferenceModels.Build();
        var result = new BenchResult();
        Labelling(context, reference.Vocoder, result);
        Distillation(context, reference, result, cancellationToken);
        return Task.FromResult(result);
    }

    private static void Labelling(BenchContext context, ReferenceModel vocoder, BenchResult result)
    {
        var rows = context.Scaled(20_000, 2_000);
        var inputs = ReferenceModels.SynthSet(rows, seed: 3).Inputs;
        using var teacher = OnnxTeacher.Load(vocoder.Onnx, Mlp.OutputName);
        var output = new float[vocoder.Network.OutputSize];
        teacher.Label(inputs[..(256 * 3)]);

        var ort = Stopwatch.StartNew();
        teacher.Label(inputs);
        ort.Stop();
        var managed = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++)
        {
            vocoder.Network.Forward(inputs.AsSpan(i * 3, 3), output);
        }

        managed.Stop();
        result.Add("label_rows", rows);
        result.Add("labels_per_s_ort", rows / ort.Elapsed.TotalSeconds);
        result.Add("labels_per_s_csharp", rows / managed.Elapsed.TotalSeconds);
        result.Add("ort_speedup_vs_csharp", managed.Elapsed.TotalSeconds / ort.Elapsed.TotalSeconds);
        context.Progress.WriteLine($"  labelling: ORT {rows / ort.Elapsed.TotalSeconds:0} rows/s, C# forward {rows / managed.Elapsed.TotalSeconds:0} rows/s");
    }

    private static void Distillation(BenchContext context, ReferenceModelSet reference, BenchResult result, CancellationToken cancellationToken)
    {
        var parent = ModelPackage.FromReference(reference.Safety, "vocoder", "1.0.0");
        using var teacher = OnnxTeacher.Load(reference.Vocoder.Onnx, Mlp.OutputName);
        var policy = new DistillationPolicy
        {
            RegionSamples = context.Scaled(2000, 200),
            NormalSamples = context.Scaled(2000, 200),
            EvaluationSamples = context.Scaled(400, 100),
            Epochs = context.Scaled(30, 3),
        };
        var clock = Stopwatch.StartNew();
        var metrics = DistillationRunner.Run(teacher, parent, HighPitch(), "1.0.1", policy, _ => { }, cancellationToken).Metrics;
        clock.Stop();
        result.Add("distill_seconds", clock.Elapsed.TotalSeconds);
        result.Add("epochs", policy.Epochs);
        result.Add("student_error_before", metrics["regionErrorBefore"]);
        result.Add("student_error_after", metrics["regionErrorAfter"]);
        result.Add("normal_error_before", metrics["normalErrorBefore"]);
        result.Add("normal_error_after", metrics["normalErrorAfter"]);
        context.Progress.WriteLine($"  distillation: {clock.Elapsed.TotalSeconds:0.0} s, error vs teacher on the region {metrics["regionErrorBefore"]:0.####} → {metrics["regionErrorAfter"]:0.####}");
    }

    /// <summary>Pitch in [0.6875, 1.0625] (bins 9–10 of 16 over [-1, 2]), energy and timbre across [0, 1].</summary>
    private static AggregatedRegion HighPitch()
    {
        static double[] Bins(int from, int to) => [.. Enumerable.Range(0, 16).Select(b => b >= from && b <= to ? 1.0 : 0.0)];
        return new AggregatedRegion(20, 0, 500, [0.85, 0.5, 0.5], [0.1, 0.29, 0.29], -1, 2, [Bins(9, 10), Bins(6, 10), Bins(6, 10)]);
    }
}
