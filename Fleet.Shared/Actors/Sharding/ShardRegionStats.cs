namespace Fleet.Shared.Actors.Sharding;

/// <summary>A region's hosted shards and entities, and what it has done since it started.</summary>
/// <param name="EntitiesPerShard">Live (or starting/stopping) entities per hosted shard.</param>
/// <param name="MessagesDelivered">Messages handed to entities.</param>
/// <param name="Passivations">Passivations started (idle or requested).</param>
public sealed record ShardRegionStats(IReadOnlyDictionary<string, int> EntitiesPerShard, long MessagesDelivered, long Passivations)
{
    /// <summary>Hosted shards.</summary>
    public int Shards => EntitiesPerShard.Count;

    /// <summary>Entities over all hosted shards.</summary>
    public int Entities => EntitiesPerShard.Values.Sum();
}
