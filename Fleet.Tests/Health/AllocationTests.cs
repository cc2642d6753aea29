using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

/// <summary>The per-inference and per-window paths must not allocate: they run thousands of times a second on small devices.</summary>
public sealed class AllocationTests
{
    private static long AllocatedBy(Action action)
    {
        // Run once to JIT and fill caches, then measure a second run on this thread.
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void HotPaths_AllocateNothing()
    {
        var rng = new Random(1);
        var samples = Enumerable.Range(0, 4_096).Select(_ => (float)rng.NextDouble()).ToArray();
        var baseline = Histogram.FromBaseline(samples, 32);
        var window = new Histogram(baseline.Edges);
        var percentile = new StreamingPercentile(0.99);
        var threshold = new DynamicThreshold(new DynamicThresholdOptions());
        var filter = new PersistenceFilter(3, 5);
        var drift = new InputDriftMeter(FeatureBaseline.FromRows(samples, 8));
        var activations = new ActivationStats();
        var latency = new LatencyTracker(256);
        var golden = WeightDigest.Compute("w", samples);
        var changed = new int[4];
        var chunks = new ulong[golden.Chunks.Length];
        var probabilities = new double[32];

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                window.Add(samples.AsSpan(i * 8, 8));
                percentile.Add(samples[i]);
                threshold.Observe(samples[i]);
                filter.Observe(samples[i] > 0.5f);
                drift.Add(samples.AsSpan(i * 8, 8));
                activations.Add(samples.AsSpan(i * 8, 8));
                latency.RecordMicroseconds(samples[i]);
            }

            window.Normalize(probabilities);
            _ = KlDivergence.Compute(window, baseline);
            _ = KlDivergence.JensenShannon(window, baseline);
            _ = drift.Score();
            _ = activations.Summary().AnomalyScore(activations.Summary());
            _ = latency.P99Microseconds;
            _ = percentile.Value;
            _ = WeightDigest.FindChangedChunks(samples, golden, changed);
            _ = WeightDigest.Matches(samples, golden);
            WeightDigest.ComputeChunks(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()), chunks);
        });

        Assert.Equal(0, allocated);
    }
}
