namespace Fleet.Shared.Actors.Sharding;

/// <summary>Hosts every shard in the region that asks: the default for a single node.</summary>
public sealed class LocalShardAllocationStrategy : IShardAllocationStrategy
{
    /// <summary>The shared instance.</summary>
    public static LocalShardAllocationStrategy Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<IActorRef> AllocateShardAsync(
        IActorRef requester,
        string shardId,
        IReadOnlyDictionary<IActorRef, IReadOnlyCollection<string>> currentShardAllocations,
        CancellationToken cancellationToken) => ValueTask.FromResult(requester);
}
