using System.Globalization;
using Fleet.Shared.Protocol;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Chaos 2: a rolling restart of all three nodes, one at a time, each a graceful leave (SIGTERM) followed by a
/// restart on the same data directory and ports. Nothing acknowledged is lost, and probe devices publishing heal
/// events at a fixed rate show no gap in ingest longer than the hand-off bound.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class ClusterRollingRestartTests(ITestOutputHelper output)
{
    /// <summary>
    /// The longest a shard may go without ingest while its node leaves gracefully and its session starts on another
    /// node (loopback test profile): the leaving node hands its shards over before it exits.
    /// </summary>
    private static readonly TimeSpan HandOffBound = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    private const int Probes = 4;

    [Fact]
    public async Task RollingRestart_OfEveryNode_LosesNothing_AndNoShardStopsIngestingLongerThanTheHandOff()
    {
        var prefix = "cr" + Guid.NewGuid().ToString("N")[..4];
        var agents = GatewayClusterFixture.DeviceIds(prefix, 6);
        var probeIds = Enumerable.Range(1, Probes).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}-probe-{i}")).ToList();
        await using var fleet = await GatewayClusterFixture.StartAsync(3, [.. agents, .. probeIds]);
        await fleet.StartAgentsAsync(prefix, agents.Count, "--fps", "100", "--window", "80", "--faults", "random:6");
        foreach (var id in agents)
        {
            await fleet.DeviceWhenAsync(0, id, AgentProbe.OnlineWithVocoder, "online and reporting");
        }

        using var stop = new CancellationTokenSource();
        var probes = new List<ProbeDevice>();
        foreach (var id in probeIds)
        {
            probes.Add(await ProbeDevice.StartAsync(fleet, id, ProbeInterval, stop.Token));
        }

        var restartsBegan = await StoreNowAsync(fleet);
        for (var node = 0; node < 3; node++)
        {
            await fleet.Cluster.StopAsync(node);
            await fleet.WaitWholeAsync();
            await fleet.Cluster.RestartAsync(node);
            await fleet.WaitWholeAsync();
            // Each probe's event published after the node rejoined is stored: ingest continues on every probe's shard.
            var marks = probes.Select(p => p.Acknowledged.Count).ToList();
            await Eventually.TrueAsync(async () => (await StoredProbeEventsAsync(fleet, probes, marks)) == probes.Count, $"every probe ingesting after node {node} rejoined", TimeSpan.FromSeconds(60));
        }

        var restartsEnded = await StoreNowAsync(fleet);
        await stop.CancelAsync();
        foreach (var probe in probes)
        {
            await probe.DisposeAsync();
        }

        var acked = fleet.Acknowledged();
        await fleet.WaitAllStoredAsync(acked, TimeSpan.FromSeconds(60));
        var probeAcked = probes.SelectMany(p => p.Acknowledged.Select(id => (p.Id, id))).ToList();
        await Eventually.TrueAsync(async () => (await MissingProbeEventsAsync(fleet, probeAcked)).Count == 0, "every acknowledged probe event stored exactly once", TimeSpan.FromSeconds(60));

        var gaps = await IngestGapsAsync(fleet, probeIds, restartsBegan, restartsEnded);
        output.WriteLine($"rolling restart of 3 nodes: {acked.Count} agent messages and {probeAcked.Count} probe events acknowledged, all stored once; "
            + $"longest ingest gap per probe: {string.Join(", ", gaps.Select(g => $"{g.Key} {g.Value.TotalSeconds:F2} s"))}");
        Assert.All(gaps, g => Assert.True(g.Value <= HandOffBound, $"{g.Key}: no event stored for {g.Value.TotalSeconds:F2} s during the rolling restart (bound {HandOffBound.TotalSeconds} s)"));
    }

    private static async Task<DateTime> StoreNowAsync(GatewayClusterFixture fleet)
    {
        await using var store = await fleet.OpenStoreAsync();
        await using var command = new NpgsqlCommand("SELECT now()", store);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many probes have an event acknowledged after <paramref name="marks"/> stored.</summary>
    private static async Task<int> StoredProbeEventsAsync(GatewayClusterFixture fleet, List<ProbeDevice> probes, List<int> marks)
    {
        var wanted = new List<(string Device, string Heal)>();
        for (var i = 0; i < probes.Count; i++)
        {
            var acked = probes[i].Acknowledged;
            if (acked.Count <= marks[i])
            {
                continue;
            }

            wanted.Add((probes[i].Id, acked[^1]));
        }

        var stored = 0;
        await using var store = await fleet.OpenStoreAsync();
        foreach (var (device, heal) in wanted)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM fleet.heal_events WHERE device_id = @d AND event_id = @e", store);
            command.Parameters.AddWithValue("d", device);
            command.Parameters.AddWithValue("e", heal);
            stored += (long)(await command.ExecuteScalarAsync())! > 0 ? 1 : 0;
        }

        return stored;
    }

    private static async Task<List<string>> MissingProbeEventsAsync(GatewayClusterFixture fleet, List<(string Device, string Heal)> acked)
    {
        var counts = new Dictionary<(string, string), long>();
        await using var store = await fleet.OpenStoreAsync();
        await using var command = new NpgsqlCommand("SELECT device_id, event_id, count(*) FROM fleet.heal_events WHERE device_id = ANY(@ids) GROUP BY device_id, event_id", store);
        command.Parameters.AddWithValue("ids", acked.Select(a => a.Device).Distinct().ToArray());
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            counts[(rows.GetString(0), rows.GetString(1))] = rows.GetInt64(2);
        }

        return [.. acked.Where(a => counts.GetValueOrDefault((a.Device, a.Heal)) != 1).Select(a => $"{a.Device} {a.Heal} stored {counts.GetValueOrDefault((a.Device, a.Heal))} times")];
    }

    /// <summary>Per probe, the longest time between two consecutive stored events (gateway receive time) within the window.</summary>
    private static async Task<Dictionary<string, TimeSpan>> IngestGapsAsync(GatewayClusterFixture fleet, IReadOnlyList<string> probes, DateTime from, DateTime to)
    {
        var gaps = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        await using var store = await fleet.OpenStoreAsync();
        foreach (var probe in probes)
        {
            await using var command = new NpgsqlCommand(
                "SELECT max(gap) FROM (SELECT occurred - lag(occurred) OVER (ORDER BY occurred) AS gap FROM fleet.heal_events WHERE device_id = @d AND occurred BETWEEN @from AND @to) g",
                store);
            command.Parameters.AddWithValue("d", probe);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            var gap = await command.ExecuteScalarAsync();
            gaps[probe] = gap is TimeSpan span ? span : TimeSpan.MaxValue;
        }

        return gaps;
    }

    /// <summary>A device that publishes a heal event every interval (QoS 1) and keeps the ids the broker acknowledged.</summary>
    private sealed class ProbeDevice : IAsyncDisposable
    {
        private readonly TestDevice _device;
        private readonly List<string> _acknowledged = [];
        private Task _loop = Task.CompletedTask;

        private ProbeDevice(string id, TestDevice device)
        {
            Id = id;
            _device = device;
        }

        public string Id { get; }

        public IReadOnlyList<string> Acknowledged
        {
            get
            {
                lock (_acknowledged)
                {
                    return [.. _acknowledged];
                }
            }
        }

        public static async Task<ProbeDevice> StartAsync(GatewayClusterFixture fleet, string id, TimeSpan interval, CancellationToken stop)
        {
            var device = await TestDevice.ConnectAsync(fleet.Cluster.Broker.Port, id, subscribe: false, password: fleet.Passwords[id]);
            await device.StatusAsync();
            await device.ReportAsync();
            var probe = new ProbeDevice(id, device);
            probe._loop = probe.RunAsync(interval, stop);
            return probe;
        }

        public async ValueTask DisposeAsync()
        {
            await _loop;
            await _device.DisposeAsync();
        }

        // A load generator at a fixed rate, not a wait: the test waits on what the store shows.
        private async Task RunAsync(TimeSpan interval, CancellationToken stop)
        {
            using var timer = new PeriodicTimer(interval);
            var n = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                {
                    var heal = string.Create(CultureInfo.InvariantCulture, $"{Id}-h{++n}");
                    await _device.HealAsync(heal, "healed");
                    lock (_acknowledged)
                    {
                        _acknowledged.Add(heal);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
