namespace Fleet.Gateway.Store.Sharding;

internal enum LeaseStatus
{
    /// <summary>Done as asked: the lease was granted, extended or released.</summary>
    Ok,

    /// <summary>Another node holds an unexpired lease on the shard.</summary>
    HeldByOther,

    /// <summary>The caller's epoch is no longer current or its lease expired; it must stop serving the shard.</summary>
    Lost,
}
