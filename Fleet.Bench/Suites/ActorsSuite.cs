using System.Diagnostics;

namespace Fleet.Bench.Suites;

/// <summary>The actor kernel against the obvious hand-written alternative, Channel&lt;T&gt; + Task loops, in one run.</summary>
/// <remarks>
/// <para>pingpong: K = 2 × cores pairs; each pair keeps <see cref="ActorsPingPong.Window"/> messages in flight and
/// exchanges a fixed number of round trips; msgs/s counts both directions. The baseline runs the same workload with a
/// pair of async loops over unbounded channels (SingleReader/SingleWriter, the fastest configuration).</para>
/// <para>spawn/idle memory: 1M actors started (PreStart ran) vs 1M channel+task loops started (first await reached);
/// bytes are the GC.GetTotalMemory(true) delta divided by the count.</para>
/// <para>ask: sequential Ask round trips to one actor, per-call latency percentiles.</para>
/// </remarks>
internal sealed class ActorsSuite : IBenchSuite
{
    public string Name => "actors";

    public string Description => "actor kernel vs Channel<T>+Task loops: ping-pong, spawn 1M, idle bytes, Ask latency";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new BenchResult();
        var pairs = 2 * Environment.ProcessorCount;
        var roundTripsPerPair = context.Scaled(4_000_000, 10_000) / pairs;

        context.Progress.WriteLine($"pingpong: {pairs} pairs x {roundTripsPerPair} round trips, window {ActorsPingPong.Window} (warm-up first)");
        await ActorsPingPong.RunActorsAsync(pairs, roundTripsPerPair / 10, cancellationToken);
        await ActorsPingPong.RunChannelsAsync(pairs, roundTripsPerPair / 10, cancellationToken);
        var actors = await BestOfAsync(3, () => ActorsPingPong.RunActorsAsync(pairs, roundTripsPerPair, cancellationToken));
        var channels = await BestOfAsync(3, () => ActorsPingPong.RunChannelsAsync(pairs, roundTripsPerPair, cancellationToken));
        var messages = 2.0 * pairs * roundTripsPerPair;
        result.Add("pingpong_pairs", pairs)
            .Add("pingpong_window", ActorsPingPong.Window)
            .Add("pingpong_msgs_per_s", messages / actors.TotalSeconds)
            .Add("pingpong_baseline_msgs_per_s", messages / channels.TotalSeconds)
            .Add("pingpong_ratio", channels.TotalSeconds / actors.TotalSeconds);

        var strict = await BestOfAsync(3, () => ActorsPingPong.RunActorsAsync(pairs, roundTripsPerPair / 8, cancellationToken, window: 1));
        var strictChannels = await BestOfAsync(3, () => ActorsPingPong.RunChannelsAsync(pairs, roundTripsPerPair / 8, cancellationToken, window: 1));
        result.Add("pingpong_window1_msgs_per_s", 2.0 * pairs * (roundTripsPerPair / 8) / strict.TotalSeconds)
            .Add("pingpong_window1_baseline_msgs_per_s", 2.0 * pairs * (roundTripsPerPair / 8) / strictChannels.TotalSeconds)
            .Add("pingpong_window1_ratio", strictChannels.TotalSeconds / strict.TotalSeconds);

        var count = context.Scaled(1_000_000, 10_000);
        context.Progress.WriteLine($"spawn: {count} actors, then {count} channel loops");
        var spawn = await ActorsSpawn.SpawnActorsAsync(count, receiveActors: false, cancellationToken);
        var receiveSpawn = await ActorsSpawn.SpawnActorsAsync(count, receiveActors: true, cancellationToken);
        var baseline = await ActorsSpawn.SpawnChannelLoopsAsync(count, cancellationToken);
        result.Add("spawned", count)
            .Add("bytes_per_idle_actor", spawn.BytesPerItem)
            .Add("bytes_per_idle_receive_actor", receiveSpawn.BytesPerItem)
            .Add("bytes_per_idle_baseline_loop", baseline.BytesPerItem)
            .Add("spawn_1m_seconds", spawn.Elapsed.TotalSeconds * 1_000_000 / count)
            .Add("spawn_baseline_1m_seconds", baseline.Elapsed.TotalSeconds * 1_000_000 / count)
            .Add("stop_1m_seconds", spawn.StopElapsed.TotalSeconds * 1_000_000 / count);

        var asks = context.Scaled(200_000, 5_000);
        context.Progress.WriteLine($"ask: {asks} sequential round trips");
        var (p50, p99) = await ActorsAsk.MeasureAsync(asks, cancellationToken);
        result.Add("ask_p50_us", p50).Add("ask_p99_us", p99);
        return result;
    }

    private static async Task<TimeSpan> BestOfAsync(int runs, Func<Task<TimeSpan>> run)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var elapsed = await run();
            best = elapsed < best ? elapsed : best;
        }

        return best;
    }

    internal static TimeSpan Since(long start) => Stopwatch.GetElapsedTime(start);
}
