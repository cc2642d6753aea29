using System.Net;
using Akka.Configuration;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// How the gateway's actor system forms its Akka cluster (<c>Fleet:Cluster</c>). The default is one node that
/// joins itself on loopback with an OS-chosen port, so nothing is exposed beyond the machine.
/// </summary>
internal sealed record ClusterOptions
{
    /// <summary>The actor system's name; seed node addresses must name it.</summary>
    public const string SystemName = "fleet-gateway";

    /// <summary>The address remoting binds and advertises.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The remoting port; 0 lets the OS choose (a single node, or a node that only joins others).</summary>
    public int Port { get; init; }

    /// <summary>Addresses of the nodes to join (<c>akka.tcp://fleet-gateway@host:port</c>); empty: the node joins itself.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public SplitBrainStrategy SplitBrain { get; init; } = SplitBrainStrategy.KeepMajority;

    /// <summary>The minimum surviving side for <see cref="SplitBrainStrategy.StaticQuorum"/>.</summary>
    public int? QuorumSize { get; init; }

    /// <summary>
    /// How long membership must be stable before the split brain resolver downs the unreachable side (Akka's own default
    /// is 20 s; its rule of thumb log10(nodes) × 10 s gives ≈ 5 s for three nodes). It is most of a kill -9 hand-off.
    /// </summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long after a node is downed its shards and singletons may start elsewhere (Akka's default: stable-after
    /// again). It is slack for the downed side, which decides on its own after stable-after, to have stopped. Fleet
    /// needs less than Akka's default: a shard's MQTT session can only be held by one connection (the broker closes the
    /// old one), a node that cannot see all its peers does not reconnect (<see cref="ClusterFence"/>), and twins' writes
    /// are ordered by (epoch, seq) and versioned, so a short overlap duplicates nothing and regresses nothing.
    /// </summary>
    public TimeSpan DownRemovalMargin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often nodes send each other failure-detector heartbeats (Akka's default 1 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long heartbeats may be missing before a node is marked unreachable (Akka's default 3 s). Longer rides out
    /// garbage-collection pauses and a busy host; shorter notices a dead node sooner.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often every node asks for each shard's ingress session to be running (Akka's default 10 s): after a node is
    /// downed, its shards' sessions start on a survivor at the next ask.
    /// </summary>
    public TimeSpan IngressKeepAlive { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Extra Akka settings (HOCON) applied over Fleet's own: timing profiles for loopback test clusters, or a setting
    /// an operator must change without a release. Empty: Fleet's settings and Akka's defaults.
    /// </summary>
    public string? Hocon { get; init; }

    /// <summary>
    /// What every node must agree on, carried as a member role (<see cref="SplitBrainRolePrefix"/>) so that each node
    /// can check its peers: the split brain resolver's strategy, quorum, stable-after and down-removal margin.
    /// </summary>
    public string SplitBrainRole => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{SplitBrainRolePrefix}{SplitBrain}-quorum{QuorumSize ?? 0}-stable{(long)StableAfter.TotalMilliseconds}ms-margin{(long)DownRemovalMargin.TotalMilliseconds}ms");

    /// <summary>The prefix of <see cref="SplitBrainRole"/>.</summary>
    public const string SplitBrainRolePrefix = "fleet-sbr-";

    /// <summary>True when the node forms a cluster of its own.</summary>
    public bool JoinsItself => SeedNodes.Count == 0;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Hostname) || Uri.CheckHostName(Hostname) == UriHostNameType.Unknown)
        {
            problems.Add($"Fleet:Cluster:Hostname '{Hostname}' is not a host name or IP address.");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"Fleet:Cluster:Port {Port} is not a TCP port (0 lets the OS choose).");
        }

        foreach (var seed in SeedNodes)
        {
            if (SeedProblem(seed) is { } problem)
            {
                problems.Add($"Fleet:Cluster:SeedNodes '{seed}': {problem}");
            }
        }

        if (!Enum.IsDefined(SplitBrain))
        {
            problems.Add($"Fleet:Cluster:SplitBrain {SplitBrain} is not one of {string.Join(", ", Enum.GetNames<SplitBrainStrategy>())}.");
        }

        if (SplitBrain == SplitBrainStrategy.StaticQuorum && QuorumSize is not >= 1)
        {
            problems.Add("Fleet:Cluster:QuorumSize (at least 1) is required with SplitBrain StaticQuorum.");
        }

        if (SplitBrain != SplitBrainStrategy.StaticQuorum && QuorumSize is not null)
        {
            problems.Add("Fleet:Cluster:QuorumSize applies only to SplitBrain StaticQuorum.");
        }

        if (StableAfter <= TimeSpan.Zero || StableAfter > TimeSpan.FromMinutes(5))
        {
            problems.Add($"Fleet:Cluster:StableAfter {StableAfter} must be positive and at most 5 minutes.");
        }

        if (DownRemovalMargin < TimeSpan.FromMilliseconds(100) || DownRemovalMargin > TimeSpan.FromMinutes(5))
        {
            problems.Add($"Fleet:Cluster:DownRemovalMargin {DownRemovalMargin} must be between 100 ms and 5 minutes.");
        }

        if (HeartbeatInterval < TimeSpan.FromMilliseconds(50) || HeartbeatInterval > TimeSpan.FromSeconds(30))
        {
            problems.Add($"Fleet:Cluster:HeartbeatInterval {HeartbeatInterval} must be between 50 ms and 30 s.");
        }

        if (AcceptableHeartbeatPause < HeartbeatInterval * 2 || AcceptableHeartbeatPause > TimeSpan.FromMinutes(2))
        {
            problems.Add($"Fleet:Cluster:AcceptableHeartbeatPause {AcceptableHeartbeatPause} must be at least twice Fleet:Cluster:HeartbeatInterval ({HeartbeatInterval}) and at most 2 minutes.");
        }

        if (IngressKeepAlive < TimeSpan.FromMilliseconds(100) || IngressKeepAlive > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Fleet:Cluster:IngressKeepAlive {IngressKeepAlive} must be between 100 ms and 1 minute.");
        }

        if (!string.IsNullOrWhiteSpace(Hocon))
        {
            try
            {
                ConfigurationFactory.ParseString(Hocon);
            }
            catch (Exception ex) when (ex is ConfigurationException or FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add($"Fleet:Cluster:Hocon is not valid HOCON: {ex.Message}");
            }
        }

        return problems;
    }

    private static string? SeedProblem(string seed)
    {
        if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp")
        {
            return "not an akka.tcp:// address";
        }

        if (uri.UserInfo != SystemName)
        {
            return $"names system '{uri.UserInfo}', not '{SystemName}'";
        }

        if (uri.IsDefaultPort || uri.Port is < 1 or > 65535)
        {
            return "a seed node needs an explicit port";
        }

        return uri.AbsolutePath is "" or "/" ? null : "must not carry a path";
    }
}
