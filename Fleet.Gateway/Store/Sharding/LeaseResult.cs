namespace Fleet.Gateway.Store.Sharding;

/// <summary>Outcome of a lease operation with the lease as stored afterwards (null when the shard never had one).</summary>
internal sealed record LeaseResult(LeaseStatus Status, ShardLease? Lease)
{
    public bool Succeeded => Status == LeaseStatus.Ok;
}
