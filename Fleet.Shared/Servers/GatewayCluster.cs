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
public sealed partial class GatewayCluster : IAsyncDisposable
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
        var seeds = Seeds(node);
        for (var seed = 0; seed < seeds.Count; seed++)
        {
            arguments.AddRange([string.Create(i, $"--Fleet:Cluster:SeedNodes:{seed}"), seeds[seed]]);
        }

        if (_options.Timing == GatewayTimingProfile.LoopbackTest)
        {
            arguments.AddRange(
            [
                "--Fleet:Cluster:HeartbeatInterval", "00:00:00.2",
                "--Fleet:Cluster:AcceptableHeartbeatPause", "00:00:01",
                "--Fleet:Cluster:StableAfter", "00:00:01.5",
                "--Fleet:Cluster:IngressKeepAlive", "00:00:00.5",
                "--Fleet:Cluster:DownRemovalMargin", "00:00:00.5",
            ]);
        }

        if (_options.PublicUrlNode is { } publicNode)
        {
            arguments.AddRange(["--Fleet:PublicUrl", _nodes[publicNode].BaseAddress.ToString().TrimEnd('/')]);
        }

        arguments.AddRange(_options.ExtraArguments);
        return arguments;
    }

    /// <summary>
    /// The seed nodes <paramref name="node"/> starts with. Node 0's first start lists only itself: it forms the cluster
    /// at once (listing others first would make it wait the seed-node timeout for nodes not started yet). Every other
    /// start lists the other nodes first and itself last, so a restarted node (node 0 included) joins the running
    /// nodes rather than forming a second cluster of its own.
    /// </summary>
    private List<string> Seeds(GatewayNode node)
    {
        if (node.Index == 0 && node.Incarnation == 0)
        {
            return [node.Address];
        }

        return [.. _nodes.Where(n => n != node).Select(n => n.Address), node.Address];
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
