using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Protocol;
using Fleet.Shared.Servers;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Npgsql;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// The chaos tests run alone (no other test competes for the two cores while gateway processes are killed and
/// paused) and one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GatewayClusterCollection
{
    public const string Name = "Gateway cluster (real processes)";
}

/// <summary>
/// A <see cref="GatewayCluster"/> of real <c>fleet-gateway</c> processes on the loopback test timing profile, with
/// broker logins for the devices the test names, real <c>fleet-device</c> agents that record what the broker
/// acknowledged (<c>--ack-journal</c>), and direct access to the PostgreSQL store. One per test: chaos leaves nothing
/// reusable behind.
/// </summary>
internal sealed class GatewayClusterFixture : IAsyncDisposable
{
    private readonly List<(AgentProcess Agent, string Journal)> _agents = [];
    private readonly Dictionary<int, HttpClient> _operators = [];

    private GatewayClusterFixture(GatewayCluster cluster, IReadOnlyDictionary<string, string> passwords)
    {
        Cluster = cluster;
        Passwords = passwords;
        PasswordFile = Path.Combine(cluster.WorkingDirectory, "device-passwords");
        File.WriteAllLines(PasswordFile, passwords.Select(p => $"{p.Key}:{p.Value}"));
    }

    public GatewayCluster Cluster { get; }

    /// <summary>Broker password of every device the test may run.</summary>
    public IReadOnlyDictionary<string, string> Passwords { get; }

    /// <summary>The agents' <c>--password-file</c>.</summary>
    public string PasswordFile { get; }

    /// <summary>
    /// Starts <paramref name="nodes"/> gateways that let in <paramref name="deviceIds"/> (each with a password of its own)
    /// and returns once the cluster is whole.
    /// </summary>
    public static async Task<GatewayClusterFixture> StartAsync(int nodes, IEnumerable<string> deviceIds, bool verboseBrokerLog = false, int? publicUrlNode = null, params string[] extraArguments)
    {
        var passwords = deviceIds.ToDictionary(id => id, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)), StringComparer.Ordinal);
        var cluster = await GatewayCluster.StartAsync(new GatewayClusterOptions
        {
            Nodes = nodes,
            Timing = GatewayTimingProfile.LoopbackTest,
            DeviceUsers = passwords,
            VerboseBrokerLog = verboseBrokerLog,
            PublicUrlNode = publicUrlNode,
            ExtraArguments = extraArguments,
        });
        return new GatewayClusterFixture(cluster, passwords);
    }

    /// <summary>Device ids <c>{prefix}-001</c>… as <c>fleet-device --simulate</c> names them.</summary>
    public static IReadOnlyList<string> DeviceIds(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => AgentProcess.DeviceId(prefix, i))];

    /// <summary>The operator's client for node <paramref name="node"/> (kept for the test's life).</summary>
    public HttpClient Operator(int node)
    {
        if (!_operators.TryGetValue(node, out var client))
        {
            client = Cluster.Client(node);
            _operators[node] = client;
        }

        return client;
    }

    /// <summary>
    /// A started <c>fleet-device</c> simulating <paramref name="count"/> devices <c>{prefix}-001</c>… that log in with
    /// their own passwords and journal every message the broker acknowledged.
    /// </summary>
    public async Task<AgentProcess> StartAgentsAsync(string prefix, int count, params string[] extra)
    {
        var journal = Path.Combine(Cluster.WorkingDirectory, $"acked-{prefix}.tsv");
        var agent = await AgentProcess.SimulatedAsync(Operator(Cluster.LiveNodes[0]), Cluster.Broker.Port, prefix, count,
            ["--password-file", PasswordFile, "--ack-journal", journal, "--shard-count", Cluster.Options.ShardCount.ToString(CultureInfo.InvariantCulture), .. extra]);
        _agents.Add((agent, journal));
        agent.Start();
        return agent;
    }

    /// <summary>Throws with its output when an agent exited.</summary>
    public void ThrowIfAgentExited()
    {
        foreach (var (agent, _) in _agents)
        {
            agent.ThrowIfExited();
        }
    }

    /// <summary>Everything the agents' devices saw acknowledged so far.</summary>
    public IReadOnlyList<AckedMessage> Acknowledged()
    {
        var acked = new List<AckedMessage>();
        foreach (var (_, journal) in _agents)
        {
            if (!File.Exists(journal))
            {
                continue;
            }

            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            for (var i = 0; i < lines.Count; i++)
            {
                // The last line may be half written while the agent runs; every other one must parse.
                if (AckedMessage.Parse(lines[i]) is { } message)
                {
                    acked.Add(message);
                }
                else if (i < lines.Count - 1)
                {
                    throw new InvalidOperationException($"{journal} line {i + 1} is not deviceId TAB kind TAB payload: {lines[i]}");
                }
            }
        }

        return acked;
    }

    /// <summary>A connection to the fleet store (tables in schema <c>fleet</c>).</summary>
    public async Task<NpgsqlConnection> OpenStoreAsync()
    {
        var connection = new NpgsqlConnection(Cluster.StoreConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// What of <paramref name="acked"/> is not in the store, each as one line: heal events must be stored exactly once
    /// (by device and heal id), insights at least once (by device, epoch and seq), and each device's stored report must
    /// be at least as new as the last one acknowledged. Empty when nothing is missing.
    /// </summary>
    public async Task<IReadOnlyList<string>> MissingFromStoreAsync(IReadOnlyList<AckedMessage> acked)
    {
        var devices = acked.Select(a => a.DeviceId).Distinct().ToArray();
        await using var store = await OpenStoreAsync();
        var heals = new Dictionary<(string, string), long>();
        await using (var command = new NpgsqlCommand("SELECT device_id, event_id, count(*) FROM fleet.heal_events WHERE device_id = ANY(@ids) GROUP BY device_id, event_id", store))
        {
            command.Parameters.AddWithValue("ids", devices);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                heals[(rows.GetString(0), rows.GetString(1))] = rows.GetInt64(2);
            }
        }

        var insights = new HashSet<(string, long, long)>();
        await using (var command = new NpgsqlCommand("SELECT device_id, payload::text FROM fleet.insights WHERE device_id = ANY(@ids)", store))
        {
            command.Parameters.AddWithValue("ids", devices);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                using var payload = JsonDocument.Parse(rows.GetString(1));
                var root = payload.RootElement;
                insights.Add((rows.GetString(0), root.TryGetProperty("epoch", out var e) ? e.GetInt64() : 0, root.GetProperty("seq").GetInt64()));
            }
        }

        var reports = new Dictionary<string, (long Epoch, long Seq)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT device_id, reported_epoch, reported_seq FROM fleet.twins WHERE device_id = ANY(@ids) AND reported_seq IS NOT NULL", store))
        {
            command.Parameters.AddWithValue("ids", devices);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                reports[rows.GetString(0)] = (rows.IsDBNull(1) ? 0 : rows.GetInt64(1), rows.GetInt64(2));
            }
        }

        var missing = new List<string>();
        foreach (var message in acked)
        {
            switch (message.Message)
            {
                case HealEvent heal:
                    var count = heals.GetValueOrDefault((message.DeviceId, heal.Id));
                    if (count != 1)
                    {
                        missing.Add($"{message.DeviceId} heal {heal.Id} (seq {heal.Seq}) stored {count} times");
                    }

                    break;
                case InsightEvent insight when !insights.Contains((message.DeviceId, insight.Epoch ?? 0, insight.Seq)):
                    missing.Add($"{message.DeviceId} insight seq {insight.Seq} not stored");
                    break;
            }
        }

        foreach (var last in acked.Where(a => a.Message is ReportMessage).GroupBy(a => a.DeviceId).Select(g => g.Last()))
        {
            var report = (ReportMessage)last.Message;
            var mark = (report.Epoch ?? 0, report.Seq);
            if (!reports.TryGetValue(last.DeviceId, out var stored) || stored.CompareTo(mark) < 0)
            {
                missing.Add($"{last.DeviceId} report ({mark.Item1}, {mark.Item2}) acknowledged, store has {(reports.TryGetValue(last.DeviceId, out var s) ? $"({s.Epoch}, {s.Seq})" : "none")}");
            }
        }

        return missing;
    }

    /// <summary>Waits until every message in <paramref name="acked"/> is in the store (<see cref="MissingFromStoreAsync"/>); fails listing what is not.</summary>
    public async Task WaitAllStoredAsync(IReadOnlyList<AckedMessage> acked, TimeSpan timeout)
    {
        IReadOnlyList<string> missing = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                missing = await MissingFromStoreAsync(acked);
                return missing.Count == 0;
            }, "every acknowledged message in the store", timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}: {missing.Count} of {acked.Count} missing, e.g.\n{string.Join("\n", missing.Take(20))}\n{Cluster.Describe()}", ex);
        }
    }

    /// <summary>Waits until the cluster is whole, failing with every node's state and output.</summary>
    public Task<IReadOnlyList<GatewayNodeHealth>> WaitWholeAsync(TimeSpan? timeout = null) => Cluster.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>The live node with the most ingress sessions (by <c>shards.hosted</c>, else <c>shards.connected</c>).</summary>
    public static int MostLoaded(IReadOnlyList<GatewayNodeHealth> health) =>
        health.OrderByDescending(h => h.Hosted?.Count ?? h.Connected).ThenBy(h => h.Node).First().Node;

    /// <summary>The device's detail from node <paramref name="node"/> once <paramref name="condition"/> holds.</summary>
    public async Task<JsonElement> DeviceWhenAsync(int node, string id, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        string? last = null;
        try
        {
            var found = await Eventually.ValueAsync<string>(async () =>
            {
                ThrowIfAgentExited();
                using var response = await Operator(node).GetAsync($"/api/v1/devices/{id}");
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && condition(JsonDocument.Parse(last).RootElement) ? last : null;
            }, $"{id} on node {node}: {what}", timeout ?? TimeSpan.FromSeconds(60));
            return JsonDocument.Parse(found).RootElement;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast answer: {last}\n{Cluster.Describe()}", ex);
        }
    }

    /// <summary>Sends <c>reportNow</c> to the device through node <paramref name="node"/>'s API and returns whether the device answered ok.</summary>
    public async Task<(bool Ok, string Body)> CommandAsync(int node, string id, string name = "reportNow")
    {
        using var response = await Operator(node).PostAsJsonAsync($"/api/v1/devices/{id}/commands", new { name, timeoutSeconds = 20 });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (false, $"HTTP {(int)response.StatusCode}: {body}");
        }

        return (JsonDocument.Parse(body).RootElement.TryGetProperty("ok", out var ok) && ok.GetBoolean(), body);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _operators.Values)
        {
            client.Dispose();
        }

        foreach (var (agent, _) in _agents)
        {
            await agent.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}

/// <summary>One line of an agent's <c>--ack-journal</c>: a message the broker acknowledged to a device.</summary>
internal sealed record AckedMessage(string DeviceId, TopicKind Kind, SequencedEnvelope Message)
{
    public static AckedMessage? Parse(string line)
    {
        var parts = line.Split('\t', 3);
        if (parts.Length != 3 || !Enum.TryParse<TopicKind>(parts[1], out var kind))
        {
            return null;
        }

        var payload = Encoding.UTF8.GetBytes(parts[2]);
        SequencedEnvelope? message = kind switch
        {
            TopicKind.Events => WireCodec.DecodeEvent(payload) is { IsSuccess: true } e ? e.Value : null,
            TopicKind.Report => WireCodec.DecodeReport(payload) is { IsSuccess: true } r ? r.Value : null,
            _ => null,
        };
        return message is null ? null : new AckedMessage(parts[0], kind, message);
    }
}
