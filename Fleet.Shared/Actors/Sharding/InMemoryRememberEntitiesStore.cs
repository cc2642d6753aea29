namespace Fleet.Shared.Actors.Sharding;

/// <summary>An <see cref="IRememberEntitiesStore"/> in process memory: survives a region (or actor system) restart,
/// not a process restart. For tests and single-process use.</summary>
public sealed class InMemoryRememberEntitiesStore : IRememberEntitiesStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Type, string Shard), HashSet<string>> _entities = [];

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> GetShardsAsync(string typeName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyCollection<string> shards = _entities
                .Where(e => e.Key.Type == typeName && e.Value.Count > 0)
                .Select(e => e.Key.Shard)
                .ToArray();
            return ValueTask.FromResult(shards);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> GetEntitiesAsync(string typeName, string shardId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyCollection<string> entities = _entities.TryGetValue((typeName, shardId), out var set) ? [.. set] : [];
            return ValueTask.FromResult(entities);
        }
    }

    /// <inheritdoc />
    public ValueTask AddEntityAsync(string typeName, string shardId, string entityId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entities.TryGetValue((typeName, shardId), out var set))
            {
                _entities[(typeName, shardId)] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(entityId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveEntityAsync(string typeName, string shardId, string entityId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entities.TryGetValue((typeName, shardId), out var set))
            {
                set.Remove(entityId);
            }
        }

        return ValueTask.CompletedTask;
    }
}
