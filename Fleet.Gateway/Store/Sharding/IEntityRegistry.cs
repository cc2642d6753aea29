namespace Fleet.Gateway.Store.Sharding;

/// <summary>
/// Remember-entities: the ids of entities active in each shard, so a node that takes over a shard can
/// restart them without waiting for their next message.
/// </summary>
internal interface IEntityRegistry
{
    /// <summary>Remembers an entity; false when it was already remembered in that shard.</summary>
    Task<bool> AddAsync(int shard, string entityId, CancellationToken cancellationToken);

    /// <summary>Forgets an entity; false when it was not remembered in that shard.</summary>
    Task<bool> RemoveAsync(int shard, string entityId, CancellationToken cancellationToken);

    /// <summary>The remembered entity ids of a shard, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(int shard, CancellationToken cancellationToken);
}
