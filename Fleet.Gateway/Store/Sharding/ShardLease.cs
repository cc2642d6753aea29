namespace Fleet.Gateway.Store.Sharding;

/// <summary>
/// Ownership of a shard by a gateway node until <see cref="Expires"/>. <see cref="Epoch"/> is the fencing
/// token: it grows every time ownership is granted anew, so writes stamped with an older epoch are stale.
/// </summary>
internal sealed record ShardLease(int Shard, string? NodeId, long Epoch, DateTimeOffset Expires);
