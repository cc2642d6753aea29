namespace Fleet.Gateway;

/// <summary>Gateway settings, bound from the <c>Fleet</c> configuration section (appsettings, FLEET__* env, --Fleet:Key=value).</summary>
internal sealed record GatewayOptions
{
    /// <summary>Where SQLite, the managed broker's persistence and this node's own files live.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// Where the fleet's secrets live: the model-signing key (<c>fleet-key.pem</c>), the API tokens
    /// (<c>tokens.json</c>, <c>credentials</c>) and the fleet CA. Default: <see cref="DataDirectory"/>. Every node of a
    /// cluster must see the same secrets (devices trust one signing key; one token works on every node).
    /// </summary>
    public string? SecretsDirectory { get; init; }

    /// <summary><see cref="SecretsDirectory"/>, or <see cref="DataDirectory"/> when none is set.</summary>
    public string Secrets => string.IsNullOrWhiteSpace(SecretsDirectory) ? DataDirectory : SecretsDirectory;

    /// <summary>External broker host; null starts a managed Mosquitto child process.</summary>
    public string? BrokerHost { get; init; }

    /// <summary>Broker port; 0 with a managed broker picks a free loopback port.</summary>
    public int BrokerPort { get; init; }

    /// <summary>Managed broker only: refuse anonymous clients; devices log in with provisioned passwords and are confined by ACL.</summary>
    public bool BrokerAuthentication { get; init; }

    /// <summary>Managed broker only: a TLS listener for devices, optionally mutual TLS with fleet CA certificates (<c>Fleet:BrokerTls</c>).</summary>
    public Broker.BrokerTlsOptions BrokerTls { get; init; } = new();

    /// <summary>External broker: the user and password of the gateway's sessions.</summary>
    public string? BrokerUser { get; init; }

    public string? BrokerPassword { get; init; }

    /// <summary>The broker host written into device bundles (default: the host the gateway uses).</summary>
    public string? BrokerPublicHost { get; init; }

    /// <summary>Shards per fleet (docs/PROTOCOL.md); fixed for the life of a fleet.</summary>
    public int ShardCount { get; init; } = Shared.Protocol.Sharding.DefaultShardCount;

    /// <summary>The fleet store (<c>Fleet:Store:Provider</c> sqlite by default, under the data directory).</summary>
    public Store.FleetStoreOptions Store { get; init; } = new();

    /// <summary>The per-device model restart budget (<c>Fleet:ModelSupervision</c>).</summary>
    public Twins.ModelSupervisionPolicy ModelSupervision { get; init; } = new();

    /// <summary>When a shared failure signature becomes a fleet incident (<c>Fleet:Incidents</c>).</summary>
    public Supervision.FleetIncidentPolicy Incidents { get; init; } = new();

    /// <summary>How failure insights are aggregated per model version (<c>Fleet:Insights</c>).</summary>
    public Insights.InsightAggregationPolicy Insights { get; init; } = new();

    /// <summary>How students are distilled (<c>Fleet:Distillation</c>).</summary>
    public Distillation.DistillationPolicy Distillation { get; init; } = new();

    /// <summary>How store failures are ridden out without acknowledging unstored messages (<c>Fleet:Durability</c>).</summary>
    public Ingress.DurabilityPolicy Durability { get; init; } = new();

    /// <summary>Twins without a message for this long are stopped and their memory released (rehydrated from the
    /// store on their next message or read); zero never passivates.</summary>
    public TimeSpan TwinIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Staged rollouts: the default policy and how the manager runs (<c>Fleet:Rollouts</c>).</summary>
    public Rollouts.RolloutManagerOptions Rollouts { get; init; } = new();

    /// <summary>The URL devices use to reach this gateway's HTTP API (model downloads); null uses the first listening address.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>How long a command waits for the device's answer unless the request says otherwise.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the gateway's actor system forms its Akka cluster (one node joining itself by default).</summary>
    public Cluster.ClusterOptions Cluster { get; init; } = new();

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

        problems.AddRange(BrokerTls.Validate());
        if (BrokerTls.Enabled && BrokerHost is not null)
        {
            problems.Add("Fleet:BrokerTls configures the managed broker; with an external Fleet:BrokerHost configure TLS on that broker.");
        }

        problems.AddRange(Store.Validate());
        problems.AddRange(ModelSupervision.Validate());
        problems.AddRange(Incidents.Validate());
        problems.AddRange(Insights.Validate());
        problems.AddRange(Distillation.Validate());
        problems.AddRange(Durability.Validate());
        if (TwinIdleTimeout < TimeSpan.Zero)
        {
            problems.Add("Fleet:TwinIdleTimeout must not be negative (zero never passivates).");
        }

        problems.AddRange(Rollouts.Validate());
        problems.AddRange(Cluster.Validate());
        if (!Cluster.JoinsItself)
        {
            // Every node of a cluster hosts twins of any device and the singletons, so they share one store and one broker.
            if (Store.Provider != Fleet.Gateway.Store.FleetStoreOptions.Postgres)
            {
                problems.Add("Fleet:Cluster:SeedNodes makes this gateway one node of several, and several nodes share one store: set Fleet:Store:Provider to postgresql (SQLite is one process's file).");
            }

            if (BrokerHost is null)
            {
                problems.Add("Fleet:Cluster:SeedNodes makes this gateway one node of several, and several nodes share one broker: set Fleet:BrokerHost and Fleet:BrokerPort (a managed broker belongs to one process).");
            }
        }

        if (PublicUrl is not null && !Uri.TryCreate(PublicUrl, UriKind.Absolute, out _))
        {
            problems.Add($"Fleet:PublicUrl '{PublicUrl}' is not an absolute URL.");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            problems.Add("Fleet:CommandTimeout must be positive.");
        }

        return problems;
    }
}
