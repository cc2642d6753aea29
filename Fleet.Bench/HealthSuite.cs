using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Fleet.Device.Storage;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Health;

namespace Fleet.Bench;

/// <summary>Health math, weight digests, weight store and uplink queue, each against a BCL baseline in the same run.</summary>
internal sealed class HealthSuite : IBenchSuite
{
    public string Name => "health";

    public string Description => "weight digest vs SHA-256, P² vs sort, KL per window, store and queue write rates";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new BenchResult();
        Digests(context, result);
        Percentiles(context, result);
        Divergence(context, result);
        Store(context, result);
        await Queue(context, result, cancellationToken);
        return result;
    }

    private static void Digests(BenchContext context, BenchResult result)
    {
        var weights = new float[4 << 20];
        new Random(1).NextBytes(MemoryMarshal.AsBytes(weights.AsSpan()));
        var bytes = MemoryMarshal.AsBytes(weights.AsSpan()).ToArray();
        var chunks = new ulong[WeightDigest.ChunkCount(bytes.Length)];
        var rounds = context.Scaled(40, 4);
        WeightDigest.ComputeChunks(bytes, chunks);
        SHA256.HashData(bytes);

        var digest = Time(rounds, () => WeightDigest.ComputeChunks(bytes, chunks));
        var sha = Time(rounds, () => SHA256.HashData(bytes));
        var golden = WeightDigest.Compute("w", weights);
        var changed = new int[8];
        var scan = Time(rounds, () => WeightDigest.FindChangedChunks(weights, golden, changed));

        var gb = bytes.Length / 1e9;
        result.Add("digest_gbps", gb / digest);
        result.Add("sha256_gbps", gb / sha);
        result.Add("digest_speedup_vs_sha256", sha / digest);
        result.Add("find_changed_chunks_gbps", gb / scan);
        context.Progress.WriteLine($"  digest {gb / digest:0.00} GB/s, SHA-256 {gb / sha:0.00} GB/s");
    }

    private static void Percentiles(BenchContext context, BenchResult result)
    {
        var n = context.Scaled(2_000_000, 100_000);
        var rng = new Random(2);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = -Math.Log(1 - rng.NextDouble());
        }

        var p2 = new StreamingPercentile(0.99);
        var streaming = Time(1, () =>
        {
            p2.Reset();
            foreach (var v in values)
            {
                p2.Add(v);
            }
        });
        var copy = (double[])values.Clone();
        var sort = Time(1, () =>
        {
            values.CopyTo(copy, 0);
            Array.Sort(copy);
        });
        var exact = copy[(int)Math.Ceiling(0.99 * n) - 1];

        result.Add("p2_add_ns", streaming / n * 1e9);
        result.Add("exact_sort_ns_per_value", sort / n * 1e9);
        result.Add("p2_p99_relative_error", Math.Abs(p2.Value - exact) / exact);
        result.Add("p2_memory_bytes", 5L * 4 * sizeof(double));
    }

    private static void Divergence(BenchContext context, BenchResult result)
    {
        var rng = new Random(3);
        var baselineSamples = Enumerable.Range(0, 20_000).Select(_ => (float)rng.NextDouble()).ToArray();
        var baseline = Histogram.FromBaseline(baselineSamples, 64);
        var window = Enumerable.Range(0, 1_600).Select(_ => (float)rng.NextDouble()).ToArray();
        var observed = new Histogram(baseline.Edges);
        var rounds = context.Scaled(20_000, 1_000);
        var add = Time(rounds, () =>
        {
            observed.Reset();
            observed.Add(window);
        });
        var sink = 0.0;
        var kl = Time(rounds, () => sink += KlDivergence.Compute(observed, baseline));

        result.Add("histogram_add_ns_per_sample", add / window.Length * 1e9);
        result.Add("kl_64_bins_us", kl * 1e6);
        context.Progress.WriteLine($"  KL sink {sink:0.###}");
    }

    private static void Store(BenchContext context, BenchResult result)
    {
        var store = WeightStore.Open(Path.Combine(context.ScratchDirectory, "store"));
        var artifact = new byte[256 * 1024];
        var rounds = context.Scaled(50, 5);
        var n = 0;
        var atomic = Time(rounds, () =>
        {
            n++;
            new Random(n).NextBytes(artifact);
            var a = store.PutArtifact(artifact);
            var name = $"v{n}";
            store.AddVersion(new StoredVersion(name, "bench", a, a));
            store.SetPointer(StorePointer.Active, name);
        });
        var plainPath = Path.Combine(context.ScratchDirectory, "plain");
        var plain = Time(rounds, () => File.WriteAllBytes(plainPath, artifact));

        result.Add("store_version_256k_ms", atomic * 1e3);
        result.Add("plain_write_256k_ms", plain * 1e3);
    }

    private static async Task Queue(BenchContext context, BenchResult result, CancellationToken cancellationToken)
    {
        var payload = new byte[200];
        var n = context.Scaled(2_000, 200);
        foreach (var durable in new[] { true, false })
        {
            using var queue = DiskEventQueue.Open(Path.Combine(context.ScratchDirectory, $"queue-{durable}"), DiskQueueOptions.Default with { FlushToDisk = durable });
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                await queue.EnqueueAsync(payload, cancellationToken);
            }

            result.Add(durable ? "queue_enqueue_fsync_per_s" : "queue_enqueue_no_fsync_per_s", n / sw.Elapsed.TotalSeconds);
        }
    }

    private static double Time(int rounds, Action action)
    {
        // Warm up past tiered compilation so steady-state code is measured.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 3 || (i < 500 && warm.ElapsedMilliseconds < 500); i++)
        {
            action();
        }

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            action();
        }

        return sw.Elapsed.TotalSeconds / rounds;
    }
}
