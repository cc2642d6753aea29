namespace Fleet.Gateway.Cluster;

/// <summary>Which side of a network partition keeps running (Akka's split brain resolver; every node must agree).</summary>
internal enum SplitBrainStrategy
{
    /// <summary>The side with more nodes survives (Akka's default). For clusters of 3 or more nodes.</summary>
    KeepMajority,

    /// <summary>The side with the oldest node survives; an oldest node left alone downs itself. For exactly 2 nodes.</summary>
    KeepOldest,

    /// <summary>A side survives when it has at least <see cref="ClusterOptions.QuorumSize"/> nodes.</summary>
    StaticQuorum,
}
