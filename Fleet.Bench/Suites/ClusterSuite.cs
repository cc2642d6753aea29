using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fleet.Shared.Health;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Shared.Servers;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace Fleet.Bench.Suites;

/// <summary>
/// The gateway as a cluster of real processes (one PostgreSQL, one Mosquitto, the shipped timing profile): how long a
/// kill -9 of a node leaves its shards without ingest, whether anything the broker acknowledged to a device is lost or
/// stored twice, and the ingest of one node against three on the same stream.
/// </summary>
/// <remarks>
/// <para>Probes: one device per fleet shard, each publishing QoS 1 heal events (unique id per device, rising seq) and
/// logging in with its own broker password. "Acknowledged" is the broker's PUBACK to the device — what makes a real
/// agent delete the event from its disk queue.</para>
/// <para>handoff: with every probe publishing one event per 200 ms, the node hosting the most ingress sessions is
/// killed with SIGKILL; the hand-off is the time until every one of its shards has stored an event published after
/// the kill (so the backlog the broker kept is drained too). The node is restarted and the cluster made whole before
/// the next kill; the median of the kills is reported.</para>
/// <para>lost_acked: events acknowledged to a probe and absent from the store once the stream stopped and the
/// gateway caught up. duplicate_reports: heal-event rows stored more than once for one (device, event id).</para>
/// <para>When an acknowledged event is lost, the suite lists each one (device, shard, seq) and keeps every node's output
/// and the broker's log in <c>/tmp/fleet-bench-cluster-logs</c>; <c>FLEET_BENCH_BROKER_LOG=all</c> makes Mosquitto log
/// every packet, so a lost event's PUBLISH and PUBACK can be followed.</para>
/// <para>ingest: the same burst of QoS 1 heal events (every probe with a window of 16 in flight) into a one-node and a
/// three-node cluster, rate = events over the time until the store holds them all.</para>
/// </remarks>
internal sealed partial class ClusterSuite : IBenchSuite
{
    private const int Window = 16;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan HandOffLimit = TimeSpan.FromSeconds(120);

    public string Name => "cluster";

    public string Description => "gateway cluster of 3 processes: kill -9 hand-off seconds (shipped timing), acknowledged events lost or duplicated, ingest 1 vs 3 nodes";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new BenchResult();
        var kills = Math.Max(3, context.Scaled(5, 3));
        var burst = context.Scaled(30_000, 3_000);
        var probes = Probes.For(Sharding.DefaultShardCount);

        double oneNode;
        await using (var single = await StartAsync(context, "one-node", 1, probes, cancellationToken))
        {
            context.Progress.WriteLine($"ingest, 1 node: {burst} QoS 1 heal events from {probes.Ids.Count} devices");
            oneNode = await MeasureIngestAsync(single, probes, "burst", burst, cancellationToken);
            context.Progress.WriteLine($"  {oneNode:F0} events/s");
        }

        await using var cluster = await StartAsync(context, "three-nodes", 3, probes, cancellationToken);
        await WaitBalancedAsync(cluster, cancellationToken);
        context.Progress.WriteLine($"ingest, 3 nodes: {burst} QoS 1 heal events from {probes.Ids.Count} devices");
        var threeNodes = await MeasureIngestAsync(cluster, probes, "burst", burst, cancellationToken);
        context.Progress.WriteLine($"  {threeNodes:F0} events/s");

        await using var stream = await ProbeStream.StartAsync(cluster, probes, cancellationToken);
        var handoffs = new List<double>();
        var reconnects = new List<double>();
        for (var kill = 1; kill <= kills; kill++)
        {
            var health = await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
            var victim = health.OrderByDescending(h => h.Hosted?.Count ?? 0).First();
            var shards = victim.Hosted ?? [];
            var marks = stream.NextSeqs();
            var killed = Stopwatch.StartNew();
            await cluster.Kill9Async(victim.Node);
            var reconnected = await WaitReconnectedAsync(cluster, killed, cancellationToken);
            var handoff = await WaitIngestingAsync(cluster, probes, shards, marks, killed, cancellationToken);
            handoffs.Add(handoff);
            reconnects.Add(reconnected);
            context.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kill {kill}: node {victim.Node} held {shards.Count} shard sessions; all sessions connected again after {reconnected:F2} s, its shards ingesting again after {handoff:F2} s"));
            await cluster.RestartAsync(victim.Node);
        }

        await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        var acknowledged = await stream.StopAsync();
        var (lost, duplicates, stored) = await WaitStoredAsync(cluster, acknowledged, cancellationToken);
        context.Progress.WriteLine($"stream: {acknowledged.Values.Sum(s => s.Count)} events acknowledged to devices, {stored} stored, {lost} lost, {duplicates} duplicated");
        context.Progress.WriteLine($"  publications not acknowledged by the broker (a device would resend them): {stream.Refused}");
        var rejected = await RejectionsAsync(cluster, cancellationToken);
        foreach (var line in rejected)
        {
            context.Progress.WriteLine($"  rejected: {line}");
        }

        if (lost > 0)
        {
            var storedNow = await StoredStreamAsync(cluster, cancellationToken);
            foreach (var (device, seqs) in acknowledged)
            {
                var missing = seqs.Where(seq => !storedNow.Seqs.TryGetValue(device, out var have) || !have.Contains(seq)).Order().ToList();
                if (missing.Count > 0)
                {
                    context.Progress.WriteLine($"  lost: {device} (shard {Sharding.ShardOf(device)}): seq {string.Join(",", missing)}");
                }
            }

            var logs = Path.Combine(Path.GetTempPath(), "fleet-bench-cluster-logs");
            Directory.CreateDirectory(logs);
            foreach (var node in cluster.Nodes)
            {
                await File.WriteAllTextAsync(Path.Combine(logs, $"node{node.Index}.log"), node.Output, cancellationToken);
            }

            File.Copy(cluster.Broker.LogFile, Path.Combine(logs, "mosquitto.log"), overwrite: true);
            context.Progress.WriteLine($"  node logs: {logs}");
        }

        result.Add("cluster_nodes", 3)
            .Add("timing_profile", "shipped defaults: heartbeat 500 ms, acceptable pause 2 s, stable-after 3 s, down-removal margin 1 s, ingress keep-alive 1 s")
            .Add("kills", handoffs.Count)
            .Add("handoff_seconds", Median(handoffs))
            .Add("handoff_seconds_max", handoffs.Max())
            .Add("handoff_seconds_each", string.Join(", ", handoffs.Select(h => h.ToString("F2", CultureInfo.InvariantCulture))))
            .Add("sessions_reconnected_seconds", Median(reconnects))
            .Add("acknowledged_events", acknowledged.Values.Sum(s => s.Count))
            .Add("lost_acked", lost)
            .Add("duplicate_reports", duplicates)
            .Add("publications_not_acknowledged", stream.Refused)
            .Add("rejected_messages", rejected.Count == 0 ? "none" : string.Join("; ", rejected))
            .Add("ingest_events", burst)
            .Add("ingest_msgs_per_s_1_node", oneNode)
            .Add("ingest_msgs_per_s_3_nodes", threeNodes)
            .Add("ingest_ratio_3_vs_1", threeNodes / oneNode)
            .Add("ingest_note", "one 2-core machine runs every node, PostgreSQL, Mosquitto and the publishers: 3 nodes vs 1 shows the cluster's overhead (remote hops to twins on other nodes), not scaling")
            .Add("duplicate_note", "heal events are idempotent per (device, event id) in the store and deduplicated by (epoch, seq) in the twin; the count is of stored rows, after both");
        return result;
    }

    private static async Task<GatewayCluster> StartAsync(BenchContext context, string label, int nodes, Probes probes, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine($"starting {nodes} gateway node(s) on one PostgreSQL and one Mosquitto ({label})");
        return await GatewayCluster.StartAsync(
            new GatewayClusterOptions
            {
                Nodes = nodes,
                Timing = GatewayTimingProfile.Default,
                DeviceUsers = probes.Passwords,
                WorkingDirectory = Path.Combine(context.ScratchDirectory, label),
                VerboseBrokerLog = Environment.GetEnvironmentVariable("FLEET_BENCH_BROKER_LOG") == "all",
                // The probes' heal events are not a fleet incident to act on.
                ExtraArguments = ["--Fleet:Incidents:MinDevices", "1000000"],
            },
            cancellationToken);
    }

    /// <summary>After start every shard went to the first node; waits until rebalancing spread them (each node within 2 of an even share).</summary>
    private static async Task WaitBalancedAsync(GatewayCluster cluster, CancellationToken cancellationToken)
    {
        var even = cluster.Options.ShardCount / cluster.LiveNodes.Count;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var health = await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
            if (health.All(h => (h.Hosted?.Count ?? 0) >= even - 2) || deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private static async Task<double> MeasureIngestAsync(GatewayCluster cluster, Probes probes, string prefix, int events, CancellationToken cancellationToken)
    {
        var perDevice = Math.Max(1, events / probes.Ids.Count);
        var total = perDevice * probes.Ids.Count;
        var clients = await Task.WhenAll(probes.Ids.Select(id => probes.ConnectAsync(cluster, id, cancellationToken)));
        try
        {
            var started = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select((client, i) => PublishBurstAsync(client, probes.Ids[i], prefix, perDevice, cluster.Options.ShardCount, cancellationToken)));
            while (await CountAsync(cluster, prefix, cancellationToken) < total)
            {
                if (started.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException($"the gateway stored fewer than {total} burst events within 10 minutes");
                }

                await Task.Delay(100, cancellationToken);
            }

            return total / started.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task PublishBurstAsync(IMqttClient client, string id, string prefix, int count, int shardCount, CancellationToken cancellationToken)
    {
        var topic = Topics.FromDevice(id, TopicKind.Events, shardCount);
        using var window = new SemaphoreSlim(Window);
        var pending = new List<Task>(count);
        for (var seq = 1; seq <= count; seq++)
        {
            await window.WaitAsync(cancellationToken);
            pending.Add(PublishOneAsync(client, topic, Heal(prefix, seq), window, cancellationToken));
        }

        await Task.WhenAll(pending);
    }

    private static async Task PublishOneAsync(IMqttClient client, string topic, byte[] payload, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await client.PublishAsync(Message(topic, payload), cancellationToken);
            if (!sent.IsSuccess)
            {
                throw new InvalidOperationException($"the broker refused a burst event on {topic}: {sent.ReasonCode}");
            }
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>Time until the survivors' readiness shows every shard's session connected again.</summary>
    private static async Task<double> WaitReconnectedAsync(GatewayCluster cluster, Stopwatch killed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var health = await cluster.HealthAsync(cluster.LiveNodes, cancellationToken);
            if (health.Sum(h => h.Connected) >= cluster.Options.ShardCount)
            {
                return killed.Elapsed.TotalSeconds;
            }

            if (killed.Elapsed > HandOffLimit)
            {
                throw new TimeoutException($"the survivors did not hold every shard session within {HandOffLimit}:\n{cluster.Describe(health)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Time until every one of <paramref name="shards"/> has stored an event its probe published after the kill.</summary>
    private static async Task<double> WaitIngestingAsync(
        GatewayCluster cluster, Probes probes, IReadOnlyList<int> shards, IReadOnlyDictionary<string, long> marks, Stopwatch killed, CancellationToken cancellationToken)
    {
        var devices = shards.Select(k => probes.ByShard[k]).ToList();
        while (true)
        {
            var latest = await LatestStreamSeqAsync(cluster, devices, cancellationToken);
            if (devices.All(d => latest.GetValueOrDefault(d) >= marks[d]))
            {
                return killed.Elapsed.TotalSeconds;
            }

            if (killed.Elapsed > HandOffLimit)
            {
                var behind = devices.Where(d => latest.GetValueOrDefault(d) < marks[d]).Select(d => $"{d} (stored up to {latest.GetValueOrDefault(d)}, waiting for {marks[d]})");
                throw new TimeoutException($"shards of the killed node did not ingest again within {HandOffLimit}: {string.Join(", ", behind)}\n{cluster.Describe()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<(long Lost, long Duplicates, long Stored)> WaitStoredAsync(
        GatewayCluster cluster, IReadOnlyDictionary<string, HashSet<long>> acknowledged, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var stored = await StoredStreamAsync(cluster, cancellationToken);
            var lost = acknowledged.Sum(a => a.Value.Count(seq => !stored.Seqs.TryGetValue(a.Key, out var seqs) || !seqs.Contains(seq)));
            if (lost == 0 || waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                return (lost, stored.Rows - stored.Seqs.Sum(s => s.Value.Count), stored.Rows);
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>What the gateway acknowledged without storing (the poison-message policy's log), by cause and reason.</summary>
    private static async Task<List<string>> RejectionsAsync(GatewayCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT cause, min(reason), count(*) FROM fleet.rejected_messages GROUP BY cause ORDER BY cause", connection);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt64(2)} × {reader.GetString(0)} ({reader.GetString(1)})"));
        }

        return lines;
    }

    private static async Task<long> CountAsync(GatewayCluster cluster, string prefix, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM fleet.heal_events WHERE event_id LIKE @prefix", connection);
        command.Parameters.AddWithValue("prefix", prefix + "-%");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Dictionary<string, long>> LatestStreamSeqAsync(GatewayCluster cluster, IReadOnlyList<string> devices, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT device_id, max(event_id) FROM fleet.heal_events WHERE event_id LIKE 'stream-%' AND device_id = ANY(@devices) GROUP BY device_id", connection);
        command.Parameters.AddWithValue("devices", devices.ToArray());
        var latest = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            latest[reader.GetString(0)] = SeqOf(reader.GetString(1));
        }

        return latest;
    }

    private static async Task<(long Rows, Dictionary<string, HashSet<long>> Seqs)> StoredStreamAsync(GatewayCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT device_id, event_id FROM fleet.heal_events WHERE event_id LIKE 'stream-%'", connection);
        var rows = 0L;
        var seqs = new Dictionary<string, HashSet<long>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var device = reader.GetString(0);
            if (!seqs.TryGetValue(device, out var set))
            {
                seqs[device] = set = [];
            }

            set.Add(SeqOf(reader.GetString(1)));
        }

        return (rows, seqs);
    }

    /// <summary>Event ids are <c>{prefix}-{seq:D9}</c>, so the largest id is the latest event.</summary>
    private static byte[] Heal(string prefix, long seq) => WireCodec.Encode<DeviceEvent>(new HealEvent
    {
        Seq = seq,
        Epoch = prefix == "stream" ? 2 : 1,
        Id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{seq:D9}"),
        Diagnosis = Diagnosis.DataDrift,
        Trigger = "kl",
        Outcome = HealOutcome.Healed,
    });

    private static long SeqOf(string eventId) => long.Parse(eventId.AsSpan(eventId.LastIndexOf('-') + 1), CultureInfo.InvariantCulture);

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
