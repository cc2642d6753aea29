namespace Fleet.Gateway;

/// <summary>Gateway settings, bound from the <c>Fleet</c> configuration section (appsettings, FLEET__* env, --Fleet:Key=value).</summary>
internal sealed record GatewayOptions
{
    /// <summary>Where SQLite, the managed broker's persistence and model artifacts live.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>External broker host; null starts a managed Mosquitto child process.</summary>
    public string? BrokerHost { get; init; }

    /// <summary>Broker port; 0 with a managed broker picks a free loopback port.</summary>
    public int BrokerPort { get; init; }

    /// <summary>Shards per fleet (docs/PROTOCOL.md); fixed for the life of a fleet.</summary>
    public int ShardCount { get; init; } = Shared.Protocol.Sharding.DefaultShardCount;

    /// <summary>Validates the options, returning every problem found.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("Fleet:DataDirectory must name a directory.");
        }

        if (BrokerPort is < 0 or > 65535)
        {
            problems.Add($"Fleet:BrokerPort {BrokerPort} is not a TCP port.");
        }

        if (BrokerHost is not null && BrokerPort == 0)
        {
            problems.Add("Fleet:BrokerPort is required with an external Fleet:BrokerHost.");
        }

        if (ShardCount is < 1 or > 4096)
        {
            problems.Add($"Fleet:ShardCount {ShardCount} must be between 1 and 4096.");
        }

        return problems;
    }
}
