namespace Fleet.Shared.Actors.Sharding;

/// <summary>Durable record of which entities are alive, so a region restarts them when it starts again.</summary>
/// <remarks>
/// A region awaits <see cref="AddEntityAsync"/> before an entity's first message is delivered, and calls
/// <see cref="RemoveEntityAsync"/> after the entity was passivated. Writes of one region are issued one at a time,
/// in order. Implementations must be thread-safe; adding an existing or removing a missing entity is not an error.
/// </remarks>
public interface IRememberEntitiesStore
{
    /// <summary>Shards of <paramref name="typeName"/> with at least one remembered entity.</summary>
    ValueTask<IReadOnlyCollection<string>> GetShardsAsync(string typeName, CancellationToken cancellationToken);

    /// <summary>Remembered entities of one shard.</summary>
    ValueTask<IReadOnlyCollection<string>> GetEntitiesAsync(string typeName, string shardId, CancellationToken cancellationToken);

    /// <summary>Remembers an entity.</summary>
    ValueTask AddEntityAsync(string typeName, string shardId, string entityId, CancellationToken cancellationToken);

    /// <summary>Forgets an entity.</summary>
    ValueTask RemoveEntityAsync(string typeName, string shardId, string entityId, CancellationToken cancellationToken);
}
