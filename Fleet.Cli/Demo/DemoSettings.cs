namespace Fleet.Cli.Demo;

/// <summary>What <c>fleet demo</c> was asked to run.</summary>
internal sealed record DemoSettings(string Root, int Port, int Seconds, bool Verbose, int Devices, string Faults)
{
    /// <summary>The demo's data directory (gateway store, broker, credentials, device state); default <c>{root}/data/demo</c>, <c>{root}/data/demo-nodes</c> with several nodes.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The managed broker's port; 0 = the one the last run used, else <see cref="DemoBrokerPort.Default"/>, else a free one.</summary>
    public int BrokerPort { get; init; }

    /// <summary>Inference frames per second of each simulated device (a telemetry window is 100 frames).</summary>
    public double FramesPerSecond { get; init; } = 20;

    /// <summary>Whether the story also shows a bad version's canary failing and being rolled back.</summary>
    public bool BadCanary { get; init; }

    /// <summary>Gateway nodes: 1 runs one gateway with its managed broker; 2…5 a cluster on PostgreSQL and one broker (<see cref="DemoClusterRun"/>).</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>With several nodes: kill -9 the node hosting the most ingress shards this many seconds after the fleet is up (0 = never).</summary>
    public int KillNodeAfter { get; init; }

    /// <summary>Whether to run the story (register models, insights, distillation, rollouts) at all.</summary>
    public bool Story { get; init; } = true;
}
