using Fleet.Gateway.Store.Sharding;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlEntityRegistry(StoreDatabase db) : IEntityRegistry
{
    public async Task<bool> AddAsync(int shard, string entityId, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        var id = StoreGuard.Id(entityId);
        return await db.ExecuteAsync(
            "INSERT INTO remembered_entities (shard, entity_id) VALUES (@shard, @id) ON CONFLICT (shard, entity_id) DO NOTHING",
            s => s.Int("shard", shard).Text("id", id),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RemoveAsync(int shard, string entityId, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        var id = StoreGuard.Id(entityId);
        return await db.ExecuteAsync(
            "DELETE FROM remembered_entities WHERE shard = @shard AND entity_id = @id",
            s => s.Int("shard", shard).Text("id", id),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<string>> ListAsync(int shard, CancellationToken cancellationToken)
    {
        StoreGuard.Shard(shard);
        return await db.QueryAsync(
            "SELECT entity_id FROM remembered_entities WHERE shard = @shard ORDER BY entity_id",
            s => s.Int("shard", shard),
            r => r.String(0),
            cancellationToken).ConfigureAwait(false);
    }
}
