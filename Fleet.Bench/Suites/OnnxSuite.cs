using System.Diagnostics;
using Fleet.Shared.Learning;
using Fleet.Shared.Onnx;

namespace Fleet.Bench.Suites;

/// <summary>
/// Fleet's <see cref="RunContext.Run"/> against a bare <c>RunWithBinding</c> loop on the same session and binding
/// (the floor), and against the C# reference forward pass; plus managed bytes allocated per Run.
/// </summary>
internal sealed class OnnxSuite : IBenchSuite
{
    public string Name => "onnx";

    public string Description => "RunContext.Run vs a bare RunWithBinding loop on the same session (16-64-64-4, 128-256-256-10) and vs the C# forward pass";

    public Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        OnnxRuntime.Initialize();
        var result = new BenchResult();
        context.Progress.WriteLine($"ONNX Runtime {OnnxRuntime.Version} (Microsoft.ML.OnnxRuntime)");

        var small = Mlp.Create([16, 64, 64, 4], Activation.Tanh, Activation.Identity, seed: 1);
        var (smallRun, smallFloor, smallAlloc) = Measure(context, small, context.Scaled(20_000, 500), cancellationToken);
        result.Add("small_run_p50_us", smallRun).Add("small_floor_p50_us", smallFloor).Add("small_overhead_ratio", smallRun / smallFloor);

        var large = Mlp.Create([128, 256, 256, 10], Activation.Tanh, Activation.Identity, seed: 2);
        var (largeRun, largeFloor, largeAlloc) = Measure(context, large, context.Scaled(5_000, 200), cancellationToken);
        result.Add("large_run_p50_us", largeRun).Add("large_floor_p50_us", largeFloor).Add("large_overhead_ratio", largeRun / largeFloor);

        result.Add("run_alloc_bytes_per_op", Math.Max(smallAlloc, largeAlloc));

        var csharp = MeasureCSharp(large, context.Scaled(2_000, 100));
        result.Add("large_csharp_reference_p50_us", csharp);
        result.Add("speedup_vs_csharp_reference", csharp / largeRun);
        return Task.FromResult(result);
    }

    private static (double Run, double Floor, double AllocPerOp) Measure(BenchContext context, Mlp network, int operations, CancellationToken cancellationToken)
    {
        using var session = InferenceSession.Create(network.ToOnnx("bench"));
        using var run = session.CreateRunContext();
        var input = run.Input(0).AsSpan<float>();
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(i);
        }

        // The floor: the same session and the same bound OrtIoBinding, Microsoft.ML.OnnxRuntime's RunWithBinding
        // called directly in a loop, with none of Fleet's checks around it.
        var (ortSession, runOptions, binding) = run.Bound;
        for (var i = 0; i < 1000; i++)
        {
            run.Run();
            ortSession.RunWithBinding(runOptions, binding);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < operations; i++)
        {
            run.Run();
        }

        var allocPerOp = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)operations;

        // Timed in batches (the clock is too coarse for one 2 µs call), alternating Fleet and floor batches so load
        // on the shared machine hits both alike; p50 over the per-call batch means.
        const int Batch = 50;
        var batches = Math.Max(10, operations / Batch);
        var fleetTimes = new double[batches];
        var floorTimes = new double[batches];
        for (var b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                run.Run();
            }

            fleetTimes[b] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / Batch;
            var t1 = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                ortSession.RunWithBinding(runOptions, binding);
            }

            floorTimes[b] = Stopwatch.GetElapsedTime(t1).TotalMicroseconds / Batch;
        }

        var fleet = Median(fleetTimes);
        var floor = Median(floorTimes);
        context.Progress.WriteLine($"  {string.Join("-", network.Sizes)}: RunContext.Run p50 {fleet:F3} µs, bare RunWithBinding p50 {floor:F3} µs, {allocPerOp} B/op");
        return (fleet, floor, allocPerOp);
    }

    private static double MeasureCSharp(Mlp network, int operations)
    {
        var input = Enumerable.Range(0, network.InputSize).Select(i => MathF.Sin(i)).ToArray();
        var output = new float[network.OutputSize];
        for (var i = 0; i < 100; i++)
        {
            network.Forward(input, output);
        }

        const int Batch = 10;
        var times = new double[Math.Max(10, operations / Batch)];
        for (var b = 0; b < times.Length; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                network.Forward(input, output);
            }

            times[b] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / Batch;
        }

        return Median(times);
    }

    private static double Median(Span<double> values)
    {
        values.Sort();
        return values[values.Length / 2];
    }
}
