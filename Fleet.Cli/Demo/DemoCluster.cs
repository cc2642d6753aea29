using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;
using Fleet.Shared.Servers;

namespace Fleet.Cli.Demo;

/// <summary>
/// What <c>fleet demo --nodes N</c> runs besides the devices: PostgreSQL on a free loopback port over
/// <c>{data}/postgres</c>, ONE Mosquitto for the whole fleet (<c>{data}/broker</c>: password file and the managed broker's
/// ACL, <see cref="BrokerAcl"/>), and N gateway processes forming one Akka cluster (shared <c>{data}/secrets</c>, own
/// <c>{data}/node-K</c>, fixed remoting ports, the same seed list, KeepMajority from 3 nodes, KeepOldest for 2). The broker
/// is external to every gateway, so gateways cannot provision broker passwords: the demo generates each simulated
/// device's password (<c>{data}/device-passwords</c>) and hands it to the broker's password file and to the devices, and
/// the gateways' own password (<c>{data}/broker/gateway.secret</c>) to the broker and, through the environment, the nodes.
/// Disposed in reverse: nodes, broker, PostgreSQL.
/// </summary>
internal sealed class DemoCluster : IAsyncDisposable
{
    public const int MinNodes = 2;
    public const int MaxNodes = 5;

    private readonly PostgresServer _postgres;
    private readonly MosquittoBroker _broker;
    private readonly List<DemoNode> _nodes = [];

    private DemoCluster(string dataDirectory, PostgresServer postgres, MosquittoBroker broker)
    {
        DataDirectory = dataDirectory;
        _postgres = postgres;
        _broker = broker;
    }

    public string DataDirectory { get; }

    public IReadOnlyList<DemoNode> Nodes => _nodes;

    public string SecretsDirectory => Path.Combine(DataDirectory, "secrets");

    public string BrokerHost => _broker.Host;

    public int BrokerPort => _broker.Port;

    public int PostgresPort => _postgres.Port;

    public string PostgresDirectory => _postgres.DataDirectory;

    /// <summary>The split-brain strategy every node of an <paramref name="nodes"/>-node cluster runs.</summary>
    public static string SplitBrainFor(int nodes) => nodes == 2 ? "KeepOldest" : "KeepMajority";

    /// <summary>Starts PostgreSQL and the broker (devices' and gateways' passwords in its password file); the nodes come with <see cref="StartNodesAsync"/>.</summary>
    public static async Task<DemoCluster> StartInfrastructureAsync(string dataDirectory, int brokerPort, IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var postgresDirectory = await PostgresDirectoryAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        await PostgresServer.StopLeftoverAsync(postgresDirectory, cancellationToken).ConfigureAwait(false);
        var postgres = await PostgresServer.StartAsync(postgresDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var brokerDirectory = Path.Combine(dataDirectory, "broker");
            Directory.CreateDirectory(brokerDirectory);
            var users = new Dictionary<string, string>(StringComparer.Ordinal) { [BrokerAcl.GatewayUser] = await GatewaySecretAsync(brokerDirectory, cancellationToken).ConfigureAwait(false) };
            foreach (var (device, password) in await DemoDevicePasswords.EnsureLocalAsync(Path.Combine(dataDirectory, DemoDevicePasswords.FileName), deviceIds, cancellationToken).ConfigureAwait(false))
            {
                users[device] = password;
            }

            var broker = await MosquittoBroker.StartAsync(
                new MosquittoOptions
                {
                    Port = brokerPort,
                    AllowAnonymous = false,
                    Users = users,
                    AclLines = BrokerAcl.Lines("fleet demo --nodes"),
                    Persistence = true,
                    WorkingDirectory = brokerDirectory,
                    DieWithParent = true,
                },
                cancellationToken).ConfigureAwait(false);
            return new DemoCluster(Path.GetFullPath(dataDirectory), postgres, broker);
        }
        catch
        {
            await postgres.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> gateway nodes: node 1 first (it writes the shared secrets: fleet key, API tokens,
    /// CA), then the others together; returns once every node answers its readiness probe (ready or not: before the
    /// cluster settles a node may report degraded).
    /// </summary>
    public async Task StartNodesAsync(string gatewayBinary, int count, int firstHttpPort, bool verbose, CancellationToken cancellationToken)
    {
        var remoting = Enumerable.Range(0, count).Select(_ => MosquittoBroker.FreeLoopbackPort()).ToList();
        var http = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var wanted = firstHttpPort == 0 ? 0 : firstHttpPort + i;
            http.Add(wanted != 0 && MosquittoBroker.IsPortFree("127.0.0.1", wanted) && !remoting.Contains(wanted) ? wanted : FreePortOtherThan([.. remoting, .. http]));
        }

        var secret = await File.ReadAllTextAsync(Path.Combine(DataDirectory, "broker", "gateway.secret"), cancellationToken).ConfigureAwait(false);
        var seeds = remoting.Select(DemoNode.Address).ToList();
        DemoNode Start(int i)
        {
            var number = i + 1;
            var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{http[i]}");
            List<string> arguments =
            [
                "--urls", url,
                "--Fleet:DataDirectory", Path.Combine(DataDirectory, string.Create(CultureInfo.InvariantCulture, $"node-{number}")),
                "--Fleet:SecretsDirectory", SecretsDirectory,
                "--Fleet:Store:Provider", "postgresql",
                // A longer connect timeout than the server's default string: nodes starting together on a busy machine.
                "--Fleet:Store:ConnectionString", _postgres.ConnectionString + ";Timeout=30",
                "--Fleet:BrokerHost", _broker.Host,
                "--Fleet:BrokerPort", _broker.Port.ToString(CultureInfo.InvariantCulture),
                "--Fleet:BrokerUser", BrokerAcl.GatewayUser,
                "--Fleet:Cluster:Hostname", "127.0.0.1",
                "--Fleet:Cluster:Port", remoting[i].ToString(CultureInfo.InvariantCulture),
                "--Fleet:Cluster:SplitBrain", SplitBrainFor(count),
            ];
            for (var s = 0; s < seeds.Count; s++)
            {
                arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Fleet:Cluster:SeedNodes:{s}"));
                arguments.Add(seeds[s]);
            }

            var log = Path.Combine(DataDirectory, string.Create(CultureInfo.InvariantCulture, $"node-{number}.log"));
            var process = ChildProcess.Start(string.Create(CultureInfo.InvariantCulture, $"node-{number}"), gatewayBinary, arguments, log, verbose,
                new Dictionary<string, string> { ["FLEET_GATEWAY_Fleet__BrokerPassword"] = secret.Trim() });
            var node = new DemoNode(number, url, remoting[i], log, process);
            _nodes.Add(node);
            return node;
        }

        await WaitAnsweringAsync(Start(0), cancellationToken).ConfigureAwait(false);
        var others = Enumerable.Range(1, count - 1).Select(Start).ToList();
        await Task.WhenAll(others.Select(n => WaitAnsweringAsync(n, cancellationToken))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM to every node at once (each leaves the cluster and stops), then the broker, then PostgreSQL.
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
        await _broker.DisposeAsync().ConfigureAwait(false);
        await _postgres.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task WaitAnsweringAsync(DemoNode node, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = CliClock.Time.GetUtcNow().AddSeconds(120);
        while (CliClock.Time.GetUtcNow() < deadline)
        {
            if (!node.Alive)
            {
                throw new InvalidOperationException($"{node.Name} exited with code {node.Process.ExitCode} while starting; see {node.LogFile}{Tail(node.LogFile)}");
            }

            try
            {
                using var response = await http.GetAsync("/api/v1/health/ready", cancellationToken).ConfigureAwait(false);
                if (response.Content.Headers.ContentType?.MediaType == "application/json")
                {
                    await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Still starting.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), CliClock.Time, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"{node.Name} did not answer within 120 s; see {node.LogFile}{Tail(node.LogFile)}");
    }

    private static string Tail(string log)
    {
        try
        {
            return File.Exists(log) ? Environment.NewLine + string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15).Select(l => "  " + l)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// <c>{data}/postgres</c>; but run as root, PostgreSQL runs as the <c>postgres</c> user, which may not reach a data
    /// directory under a private home (<c>/root/…</c>): then a directory of its own under the temp directory, named after
    /// the demo's, so the next run finds the same fleet.
    /// </summary>
    private static async Task<string> PostgresDirectoryAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var inData = Path.Combine(dataDirectory, "postgres");
        if (Environment.UserName != "root" || await PostgresUserReachesAsync(dataDirectory, cancellationToken).ConfigureAwait(false))
        {
            return inData;
        }

        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..12];
        return Path.Combine(Path.GetTempPath(), "fleet-demo-postgres-" + name);
    }

    private static async Task<bool> PostgresUserReachesAsync(string directory, CancellationToken cancellationToken)
    {
        var probe = new System.Diagnostics.ProcessStartInfo("su") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "postgres", "-s", "/bin/sh", "-c", "test -x \"$0\"", Path.GetFullPath(directory) })
        {
            probe.ArgumentList.Add(argument);
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(probe);
            if (process is null)
            {
                return false;
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<string> GatewaySecretAsync(string brokerDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(brokerDirectory, "gateway.secret");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        var secret = DemoDevicePasswords.NewPassword();
        await PrivateFile.WriteAsync(path, secret, cancellationToken).ConfigureAwait(false);
        return secret;
    }

    private static int FreePortOtherThan(IReadOnlyCollection<int> taken)
    {
        while (true)
        {
            var port = MosquittoBroker.FreeLoopbackPort();
            if (!taken.Contains(port))
            {
                return port;
            }
        }
    }
}
