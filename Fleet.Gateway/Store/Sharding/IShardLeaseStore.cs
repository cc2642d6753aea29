namespace Fleet.Gateway.Store.Sharding;

/// <summary>
/// Shard leases for scale-out: at most one node owns a shard at a time, and every change of owner
/// increases the shard's fencing epoch.
/// </summary>
/// <remarks>
/// Expiry is judged by the calling node's <see cref="TimeProvider"/>; nodes sharing a database need
/// clocks synchronised well within the lease time.
/// </remarks>
internal interface IShardLeaseStore
{
    /// <summary>
    /// Takes the shard when it is free, expired, or already held by <paramref name="nodeId"/>. Re-acquiring
    /// one's own live lease extends it and keeps the epoch; any other grant increases the epoch.
    /// </summary>
    Task<LeaseResult> TryAcquireAsync(int shard, string nodeId, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends a live lease held by <paramref name="nodeId"/> at <paramref name="epoch"/>; otherwise <see cref="LeaseStatus.Lost"/>.</summary>
    Task<LeaseResult> RenewAsync(int shard, string nodeId, long epoch, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the shard up (the epoch is kept, so the next owner's is higher); <see cref="LeaseStatus.Lost"/> when not held at that epoch.</summary>
    Task<LeaseResult> ReleaseAsync(int shard, string nodeId, long epoch, CancellationToken cancellationToken);

    Task<ShardLease?> GetAsync(int shard, CancellationToken cancellationToken);

    /// <summary>Every shard that ever had a lease, by shard.</summary>
    Task<IReadOnlyList<ShardLease>> ListAsync(CancellationToken cancellationToken);
}
