using Fleet.Gateway.Store.Sharding;

namespace Fleet.Gateway.Store.Sql;

/// <summary>
/// Leases as single conditional statements, so the database arbitrates between nodes: a grant to a new
/// owner (or after expiry or release) bumps the epoch in the same statement that changes the owner.
/// </summary>
internal sealed class SqlShardLeaseStore(StoreDatabase db) : IShardLeaseStore
{
    private const string Returning = " RETURNING shard, node_id, epoch, expires";

    public async Task<LeaseResult> TryAcquireAsync(int shard, string nodeId, TimeSpan duration, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        var node = StoreGuard.Id(nodeId);
        StoreGuard.Positive(duration);
        var now = db.Now();
        var lease = await WriteSingleAsync(
            "INSERT INTO shard_leases (shard, node_id, epoch, expires) VALUES (@shard, @node, 1, @expires) " +
            "ON CONFLICT (shard) DO UPDATE SET " +
            "epoch = CASE WHEN shard_leases.node_id = @node AND shard_leases.expires > @now THEN shard_leases.epoch ELSE shard_leases.epoch + 1 END, " +
            "node_id = excluded.node_id, expires = excluded.expires " +
            "WHERE shard_leases.node_id IS NULL OR shard_leases.expires <= @now OR shard_leases.node_id = @node" + Returning,
            s => s.Int("shard", shard).Text("node", node).Time("now", now).Time("expires", StoreTime.Normalize(now + duration)),
            cancellationToken).ConfigureAwait(false);
        return lease is not null
            ? new LeaseResult(LeaseStatus.Ok, lease)
            : new LeaseResult(LeaseStatus.HeldByOther, await GetAsync(shard, cancellationToken).ConfigureAwait(false));
    }

    public async Task<LeaseResult> RenewAsync(int shard, string nodeId, long epoch, TimeSpan duration, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        var node = StoreGuard.Id(nodeId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        StoreGuard.Positive(duration);
        var now = db.Now();
        var lease = await WriteSingleAsync(
            "UPDATE shard_leases SET expires = @expires WHERE shard = @shard AND node_id = @node AND epoch = @epoch AND expires > @now" + Returning,
            s => s.Int("shard", shard).Text("node", node).Long("epoch", epoch).Time("now", now).Time("expires", StoreTime.Normalize(now + duration)),
            cancellationToken).ConfigureAwait(false);
        return await ResultAsync(shard, lease, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LeaseResult> ReleaseAsync(int shard, string nodeId, long epoch, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        var node = StoreGuard.Id(nodeId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        var lease = await WriteSingleAsync(
            "UPDATE shard_leases SET node_id = NULL, expires = @now WHERE shard = @shard AND node_id = @node AND epoch = @epoch" + Returning,
            s => s.Int("shard", shard).Text("node", node).Long("epoch", epoch).Time("now", db.Now()),
            cancellationToken).ConfigureAwait(false);
        return await ResultAsync(shard, lease, cancellationToken).ConfigureAwait(false);
    }

    public Task<ShardLease?> GetAsync(int shard, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        return db.QuerySingleAsync("SELECT shard, node_id, epoch, expires FROM shard_leases WHERE shard = @shard", s => s.Int("shard", shard), Map, cancellationToken);
    }

    public async Task<IReadOnlyList<ShardLease>> ListAsync(CancellationToken cancellationToken) =>
        await db.QueryAsync("SELECT shard, node_id, epoch, expires FROM shard_leases ORDER BY shard", _ => { }, Map, cancellationToken).ConfigureAwait(false);

    private async Task<LeaseResult> ResultAsync(int shard, ShardLease? written, CancellationToken cancellationToken) =>
        written is not null
            ? new LeaseResult(LeaseStatus.Ok, written)
            : new LeaseResult(LeaseStatus.Lost, await GetAsync(shard, cancellationToken).ConfigureAwait(false));

    private Task<ShardLease?> WriteSingleAsync(string sql, Action<SqlStatement> bind, CancellationToken cancellationToken) =>
        db.WriteAsync(scope => StoreDatabase.QuerySingleAsync(scope, sql, bind, Map), cancellationToken);

    private static ShardLease Map(Row r) => new(r.Int(0), r.NullableString(1), r.Long(2), r.Time(3));
}
