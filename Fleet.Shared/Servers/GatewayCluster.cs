using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Security;

namespace Fleet.Shared.Servers;

/// <summary>
/// N real <c>fleet-gateway</c> processes forming one Akka cluster on loopback, as a multi-node deployment runs them:
/// one PostgreSQL store (<see cref="PostgresServer"/>), one external Mosquitto with persistence, a password file (the
/// gateway's user and each device's) and a per-device ACL (<see cref="MosquittoBroker"/>), one shared secrets
/// directory (signing key, API tokens), and per node its own data directory and fixed HTTP and remoting ports. Node 0
/// is the first seed. Used by the chaos tests and by <c>fleet bench cluster</c>.
/// </summary>
/// <remarks>
/// Every wait here polls an observable state (a readiness answer, a process exit) against a bound and fails with
/// what every node printed; nothing sleeps for a fixed time. Disposing kills whatever still runs, and with
/// <see cref="GatewayClusterOptions.DieWithParent"/> the processes die with their starter even when it is killed.
/// </remarks>
public sealed class GatewayCluster : IAsyncDisposable
{
    private static readonly TimeProvider Clock = TimeProvider.System;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly GatewayClusterOptions _options;
    private readonly bool _ownsDirectory;
    private readonly HttpClient _probe = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly List<GatewayNode> _nodes = [];
    private readonly bool[] _wanted;
    private readonly string _brokerPassword = RandomPassword();

    private GatewayCluster(GatewayClusterOptions options, string directory, bool ownsDirectory)
    {
        _options = options;
        WorkingDirectory = directory;
        _ownsDirectory = ownsDirectory;
        _wanted = new bool[options.Nodes];
    }

    /// <summary>The cluster's working directory (store, broker, secrets, nodes).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The directory every node reads its secrets from (<c>Fleet:SecretsDirectory</c>).</summary>
    public string SecretsDirectory => Path.Combine(WorkingDirectory, "secrets");

    /// <summary>The fleet store's server.</summary>
    public PostgresServer Postgres { get; private set; } = null!;

    /// <summary>The broker every node and device uses.</summary>
    public MosquittoBroker Broker { get; private set; } = null!;

    /// <summary>Npgsql connection string of the fleet store (its tables are in schema <c>fleet</c>).</summary>
    public string StoreConnectionString => Postgres.ConnectionString;

    /// <summary>The nodes, by index.</summary>
    public IReadOnlyList<GatewayNode> Nodes => _nodes;

    /// <summary>How the cluster was laid out.</summary>
    public GatewayClusterOptions Options => _options;

    /// <summary>The fleet's operator API token (valid on every node).</summary>
    public string OperatorToken { get; private set; } = "";

    /// <summary>The fleet's read-only API token.</summary>
    public string ReaderToken { get; private set; } = "";

    /// <summary>Starts the store, the broker and every node, and returns once the cluster is whole (<see cref="WaitHealthyAsync"/>).</summary>
    public static async Task<GatewayCluster> StartAsync(GatewayClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("gateway cluster options: " + string.Join(" ", problems), nameof(options));
        }

        var owns = options.WorkingDirectory is null;
        var directory = Path.GetFullPath(options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), "fleet-cluster-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(directory);
        var cluster = new GatewayCluster(options, directory, owns);
        try
        {
            await cluster.StartInfrastructureAsync(cancellationToken).ConfigureAwait(false);
            cluster.CreateNodes();
            await cluster.StartNodesAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An HTTP client for node <paramref name="node"/>, authenticated with <paramref name="token"/> (default: the operator's).</summary>
    public HttpClient Client(int node, string? token = null)
    {
        var client = new HttpClient { BaseAddress = _nodes[node].BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? OperatorToken);
        return client;
    }

    /// <summary>kill -9 of node <paramref name="node"/>; returns once the process is gone.</summary>
    public async Task Kill9Async(int node)
    {
        _wanted[node] = false;
        await _nodes[node].KillAsync().ConfigureAwait(false);
    }

    /// <summary>Graceful stop (SIGTERM: the node leaves the cluster); returns once the process exited.</summary>
    public async Task StopAsync(int node, TimeSpan? grace = null)
    {
        _wanted[node] = false;
        await _nodes[node].StopAsync(grace ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>SIGSTOP of node <paramref name="node"/>: it stays a process but answers nothing.</summary>
    public void Pause(int node) => _nodes[node].Pause();

    /// <summary>SIGCONT of a paused node.</summary>
    public void Resume(int node) => _nodes[node].Resume();

    /// <summary>
    /// Says that node <paramref name="node"/> is expected to be gone (it exited on its own, as a downed node must), so
    /// <see cref="WaitHealthyAsync"/> no longer waits for it or fails on its exit.
    /// </summary>
    public void ExpectGone(int node) => _wanted[node] = false;

    /// <summary>Starts node <paramref name="node"/> again on the same ports and data directory (stopping it gracefully first if it runs).</summary>
    public async Task RestartAsync(int node)
    {
        if (_nodes[node].IsRunning)
        {
            await StopAsync(node).ConfigureAwait(false);
        }

        _nodes[node].Start();
        _wanted[node] = true;
    }

    /// <summary>The nodes that should be running (started and not killed, stopped or expected gone).</summary>
    public IReadOnlyList<int> LiveNodes => [.. Enumerable.Range(0, _nodes.Count).Where(i => _wanted[i])];

    /// <summary>Node <paramref name="node"/>'s <c>/api/v1/health/ready</c> now; unreachable when it does not answer within 2 s.</summary>
    public async Task<GatewayNodeHealth> HealthAsync(int node, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await _probe.GetAsync(new Uri(_nodes[node].BaseAddress, "api/v1/health/ready"), timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return GatewayNodeHealth.Parse(node, (int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return GatewayNodeHealth.Unreachable(node, ex.Message);
        }
    }

    /// <summary>The health of every node in <paramref name="nodes"/> (default <see cref="LiveNodes"/>).</summary>
    public async Task<IReadOnlyList<GatewayNodeHealth>> HealthAsync(IEnumerable<int>? nodes = null, CancellationToken cancellationToken = default) =>
        await Task.WhenAll((nodes ?? LiveNodes).Select(n => HealthAsync(n, cancellationToken))).ConfigureAwait(false);

    /// <summary>
    /// Whether <paramref name="health"/> (one answer per node that should run) shows a whole cluster: every node ready,
    /// and every ingress session connected exactly once across the nodes (each shard hosted by exactly one node when the
    /// nodes list what they host; otherwise every node connected to every session, as a gateway of one node is).
    /// </summary>
    public bool IsWhole(IReadOnlyList<GatewayNodeHealth> health)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.Count == 0 || health.Any(h => !h.Ready))
        {
            return false;
        }

        if (health.All(h => h.Hosted is not null))
        {
            var hosted = health.SelectMany(h => h.Hosted!).ToList();
            return hosted.Count == _options.ShardCount
                && hosted.Distinct().Count() == _options.ShardCount
                && health.Sum(h => h.Connected) == _options.ShardCount;
        }

        return health.All(h => h.Connected == _options.ShardCount);
    }

    /// <summary>
    /// Waits until the cluster is whole (<see cref="IsWhole"/>) over <see cref="LiveNodes"/>; fails at once when one of
    /// them exits, and after <paramref name="timeout"/> with every node's last answer and output.
    /// </summary>
    /// <returns>The health answers that showed it whole.</returns>
    public async Task<IReadOnlyList<GatewayNodeHealth>> WaitHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var started = Clock.GetTimestamp();
        IReadOnlyList<GatewayNodeHealth> last = [];
        while (true)
        {
            ThrowIfAnyExited();
            last = await HealthAsync(LiveNodes, cancellationToken).ConfigureAwait(false);
            if (IsWhole(last))
            {
                return last;
            }

            if (Clock.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"the gateway cluster was not whole within {limit} (nodes {string.Join(",", LiveNodes)}).\n{Describe(last)}");
            }

            await Task.Delay(PollInterval, Clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Throws with its output when a node that should run has exited.</summary>
    public void ThrowIfAnyExited()
    {
        foreach (var i in LiveNodes)
        {
            if (!_nodes[i].IsRunning)
            {
                throw new InvalidOperationException($"gateway node {i} exited (code {_nodes[i].ExitCode}) while it should run:\n{_nodes[i].OutputTail()}");
            }
        }
    }

    /// <summary>Every node's last health answer and output tail, for a failure message.</summary>
    public string Describe(IReadOnlyList<GatewayNodeHealth>? health = null)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            var answer = health?.FirstOrDefault(h => h.Node == node.Index);
            text.Append(CultureInfo.InvariantCulture, $"--- node {node.Index} ({node.BaseAddress}, {node.Address}, pid {node.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, exit {node.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(node.IsPaused ? ", paused" : "")})\n");
            if (answer is not null)
            {
                text.Append("ready: ").AppendLine(answer.Raw.Length > 1500 ? answer.Raw[..1500] : answer.Raw);
            }

            text.AppendLine(node.OutputTail(3000));
        }

        return text.ToString();
    }

    /// <summary>Kills every node, stops the broker and the store, and deletes a temporary working directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync().ConfigureAwait(false);
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync().ConfigureAwait(false);
        }

        _probe.Dispose();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(WorkingDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still being flushed by a dying process; the temporary directory is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // PostgreSQL's files belong to the postgres user when run as root.
            }
        }
    }

    private async Task StartInfrastructureAsync(CancellationToken cancellationToken)
    {
        Postgres = await PostgresServer.StartAsync(Path.Combine(WorkingDirectory, "postgres"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var users = new Dictionary<string, string>(_options.DeviceUsers, StringComparer.Ordinal) { [GatewayClusterOptions.GatewayUser] = _brokerPassword };
        Broker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            AllowAnonymous = false,
            Persistence = true,
            DieWithParent = _options.DieWithParent,
            WorkingDirectory = Path.Combine(WorkingDirectory, "broker"),
            Users = users,
            AclLines =
            [
                $"user {GatewayClusterOptions.GatewayUser}",
                "topic readwrite #",
                "",
                "pattern readwrite fleet/v1/s/+/%u/#",
                "pattern read fleet/v1/d/%u/#",
            ],
            ExtraConfig = _options.VerboseBrokerLog ? ["log_type all"] : [],
        }, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(SecretsDirectory);
    }

    private void CreateNodes()
    {
        var binary = _options.GatewayBinary ?? Path.Combine(AppContext.BaseDirectory, "fleet-gateway");
        var taken = new HashSet<int> { Broker.Port, Postgres.Port };
        for (var i = 0; i < _options.Nodes; i++)
        {
            var http = FreePort(taken);
            var remoting = FreePort(taken);
            _nodes.Add(new GatewayNode(i, http, remoting, Path.Combine(WorkingDirectory, string.Create(CultureInfo.InvariantCulture, $"node{i}")), binary, _options.DieWithParent, Arguments));
        }
    }

    private async Task StartNodesAsync(CancellationToken cancellationToken)
    {
        // Node 0 first: it creates the fleet's secrets (signing key, tokens) that the others then read, and it is the
        // first seed, so the others join it rather than racing to form clusters of their own.
        _nodes[0].Start();
        _wanted[0] = true;
        var started = Clock.GetTimestamp();
        var credentials = Path.Combine(SecretsDirectory, CredentialsFile.FileName);
        while (!File.Exists(credentials) || !await IsLiveAsync(0, cancellationToken).ConfigureAwait(false))
        {
            ThrowIfAnyExited();
            if (Clock.GetElapsedTime(started) > _options.StartTimeout)
            {
                throw new TimeoutException($"gateway node 0 did not come up within {_options.StartTimeout}:\n{_nodes[0].OutputTail()}");
            }

            await Task.Delay(PollInterval, Clock, cancellationToken).ConfigureAwait(false);
        }

        var tokens = CredentialsFile.Read(credentials);
        OperatorToken = tokens["operator"];
        ReaderToken = tokens["reader"];
        for (var i = 1; i < _nodes.Count; i++)
        {
            _nodes[i].Start();
            _wanted[i] = true;
        }

        await WaitHealthyAsync(_options.StartTimeout - Clock.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> IsLiveAsync(int node, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await _probe.GetAsync(new Uri(_nodes[node].BaseAddress, "api/v1/health/live"), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private IReadOnlyList<string> Arguments(GatewayNode node)
    {
        var i = CultureInfo.InvariantCulture;
        var arguments = new List<string>
        {
            "--urls", node.BaseAddress.ToString().TrimEnd('/'),
            "--Fleet:DataDirectory", node.DataDirectory,
            "--Fleet:SecretsDirectory", SecretsDirectory,
            "--Fleet:Store:Provider", "postgresql",
            "--Fleet:Store:ConnectionString", StoreConnectionString,
            "--Fleet:BrokerHost", Broker.Host,
            "--Fleet:BrokerPort", Broker.Port.ToString(i),
            "--Fleet:BrokerUser", GatewayClusterOptions.GatewayUser,
            "--Fleet:BrokerPassword", _brokerPassword,
            "--Fleet:ShardCount", _options.ShardCount.ToString(i),
            "--Fleet:Cluster:Hostname", "127.0.0.1",
            "--Fleet:Cluster:Port", node.RemotingPort.ToString(i),
            // Keep-majority for three or more; with two, keep-majority would down the survivor of the lowest address.
            "--Fleet:Cluster:SplitBrain", _options.Nodes == 2 ? "KeepOldest" : "KeepMajority",
        };
        // Every node is a seed, node 0 first: node 0 forms the cluster at the first start, and any node restarted later
        // (node 0 included) joins the running nodes instead of forming a second cluster of its own.
        for (var seed = 0; seed < _nodes.Count; seed++)
        {
            arguments.AddRange([string.Create(i, $"--Fleet:Cluster:SeedNodes:{seed}"), _nodes[seed].Address]);
        }

        if (_options.Timing == GatewayTimingProfile.LoopbackTest)
        {
            arguments.AddRange(
            [
                "--Fleet:Cluster:HeartbeatInterval", "00:00:00.2",
                "--Fleet:Cluster:AcceptableHeartbeatPause", "00:00:01",
                "--Fleet:Cluster:StableAfter", "00:00:01.5",
                "--Fleet:Cluster:IngressKeepAlive", "00:00:00.5",
            ]);
        }

        if (_options.PublicUrlNode is { } publicNode)
        {
            arguments.AddRange(["--Fleet:PublicUrl", _nodes[publicNode].BaseAddress.ToString().TrimEnd('/')]);
        }

        arguments.AddRange(_options.ExtraArguments);
        return arguments;
    }

    private static int FreePort(HashSet<int> taken)
    {
        while (true)
        {
            var port = MosquittoBroker.FreeLoopbackPort();
            if (taken.Add(port))
            {
                return port;
            }
        }
    }

    private static string RandomPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}

/// <summary>One node's answer to <c>/api/v1/health/ready</c>.</summary>
/// <param name="Node">The node's index in its cluster.</param>
/// <param name="Reachable">Whether the node answered at all.</param>
/// <param name="Ready">200: the node is up and every ingress session it hosts is connected and none held.</param>
/// <param name="Connected">Ingress sessions connected on this node (<c>shards.connected</c>).</param>
/// <param name="Hosted">The ingress shards this node hosts (<c>shards.hosted</c>), when the gateway says.</param>
/// <param name="Address">The node's cluster address (<c>node</c>), when the gateway says.</param>
/// <param name="Raw">The answer as received (or why there was none).</param>
public sealed record GatewayNodeHealth(int Node, bool Reachable, bool Ready, int Connected, IReadOnlyList<int>? Hosted, string? Address, string Raw)
{
    internal static GatewayNodeHealth Unreachable(int node, string why) => new(node, false, false, 0, null, null, "unreachable: " + why);

    internal static GatewayNodeHealth Parse(int node, int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var connected = 0;
            IReadOnlyList<int>? hosted = null;
            if (root.TryGetProperty("shards", out var shards) && shards.ValueKind == JsonValueKind.Object)
            {
                if (shards.TryGetProperty("connected", out var c) && c.ValueKind == JsonValueKind.Number)
                {
                    connected = c.GetInt32();
                }

                if (shards.TryGetProperty("hosted", out var h) && h.ValueKind == JsonValueKind.Array)
                {
                    hosted = [.. h.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32())];
                }
            }

            var address = root.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return new GatewayNodeHealth(node, true, status == 200, connected, hosted, address, body);
        }
        catch (JsonException)
        {
            return new GatewayNodeHealth(node, true, false, 0, null, null, string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: {body}"));
        }
    }
}
