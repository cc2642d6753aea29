namespace Fleet.Shared.Servers;

/// <summary>The failure-detection timing a <see cref="GatewayCluster"/>'s nodes run with.</summary>
public enum GatewayTimingProfile
{
    /// <summary>The shipped defaults (what a real deployment runs and <c>fleet bench cluster</c> measures).</summary>
    Default,

    /// <summary>
    /// Fast failure detection for loopback test clusters (every node on one machine, no network jitter):
    /// heartbeats every 200 ms, 1 s acceptable pause, 1.5 s stable-after, 500 ms ingress keep-alive.
    /// </summary>
    LoopbackTest,
}

/// <summary>How a <see cref="GatewayCluster"/> is laid out.</summary>
public sealed record GatewayClusterOptions
{
    /// <summary>The broker user of every node's sessions (shard sessions and the device publisher).</summary>
    public const string GatewayUser = "gateway";

    /// <summary>Gateway processes (1 to 3: the CI machine has two cores).</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>The fleet's <c>Fleet:ShardCount</c> (ingress sessions spread over the nodes).</summary>
    public int ShardCount { get; init; } = Protocol.Sharding.DefaultShardCount;

    /// <summary>Failure-detection timing: the shipped defaults or the loopback test profile.</summary>
    public GatewayTimingProfile Timing { get; init; } = GatewayTimingProfile.Default;

    /// <summary>Devices the broker lets in: id → password (each confined to its own topics by the ACL).</summary>
    public IReadOnlyDictionary<string, string> DeviceUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>Mosquitto logs everything (<c>log_type all</c>): every CONNECT, takeover and subscription, for tests that count them.</summary>
    public bool VerboseBrokerLog { get; init; }

    /// <summary>The <c>fleet-gateway</c> binary (apphost, or its .dll run by <c>dotnet</c>); null: next to the running program.</summary>
    public string? GatewayBinary { get; init; }

    /// <summary>Where PostgreSQL, the broker, the secrets and the nodes' data go; null: a temporary directory deleted on dispose.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// The node whose address every node gives devices for downloads (<c>Fleet:PublicUrl</c>), as one load-balanced
    /// address would; null: each node gives its own.
    /// </summary>
    public int? PublicUrlNode { get; init; }

    /// <summary>More gateway settings for every node (<c>--Fleet:Key value</c> pairs), after the cluster's own.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Gateways and broker die with the process that started them (Linux parent-death signal), so nothing outlives a killed test run.</summary>
    public bool DieWithParent { get; init; } = true;

    /// <summary>How long starting the cluster may take before it fails with every node's output.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>What is wrong with these options, if anything.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Nodes is < 1 or > 9)
        {
            problems.Add($"Nodes {Nodes} must be between 1 and 9 (at most 3 on a two-core machine).");
        }

        if (ShardCount is < 1 or > 4096)
        {
            problems.Add($"ShardCount {ShardCount} must be between 1 and 4096.");
        }

        if (!Enum.IsDefined(Timing))
        {
            problems.Add($"Timing {Timing} is not one of {string.Join(", ", Enum.GetNames<GatewayTimingProfile>())}.");
        }

        foreach (var user in DeviceUsers.Keys)
        {
            if (user == GatewayUser || user.Contains(':', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(user))
            {
                problems.Add($"device user '{user}' cannot be a broker user name (empty, ':' or '{GatewayUser}').");
            }
        }

        if (PublicUrlNode is { } publicNode && (publicNode < 0 || publicNode >= Nodes))
        {
            problems.Add($"PublicUrlNode {publicNode} is not one of the {Nodes} nodes.");
        }

        if (ExtraArguments.Count % 2 != 0)
        {
            problems.Add("ExtraArguments must be --key value pairs.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            problems.Add("StartTimeout must be positive.");
        }

        return problems;
    }
}
