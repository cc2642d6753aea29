namespace Fleet.Shared.Actors.Sharding;

/// <summary>Decides which region hosts a shard the first time a message for it arrives.</summary>
/// <remarks>Locally there is one region per type; across gateway nodes the strategy is where shard leases plug in.</remarks>
public interface IShardAllocationStrategy
{
    /// <summary>The region that will host <paramref name="shardId"/>.</summary>
    /// <param name="requester">The region asking (it received a message for the shard).</param>
    /// <param name="shardId">The shard to place.</param>
    /// <param name="currentShardAllocations">Shards each known region hosts now.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    ValueTask<IActorRef> AllocateShardAsync(
        IActorRef requester,
        string shardId,
        IReadOnlyDictionary<IActorRef, IReadOnlyCollection<string>> currentShardAllocations,
        CancellationToken cancellationToken);
}
