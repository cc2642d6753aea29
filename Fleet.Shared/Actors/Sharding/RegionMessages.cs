namespace Fleet.Shared.Actors.Sharding;

/// <summary>Messages a region sends itself.</summary>
internal static class RegionMessages
{
    /// <summary>Remembered (shard, entity) pairs loaded at start.</summary>
    public sealed record RememberedLoaded(IReadOnlyList<(string ShardId, string EntityId)> Entities);

    /// <summary>The store recorded an entity (or failed to: <paramref name="Failure"/>); it may start.</summary>
    public sealed record EntityRemembered(EntityState Entity, Exception? Failure);

    /// <summary>The allocation strategy placed a shard.</summary>
    public sealed record ShardAllocated(string ShardId, IActorRef Home);

    /// <summary>Time to look for idle entities.</summary>
    public sealed class IdleCheck : INotInfluenceReceiveTimeout
    {
        public static readonly IdleCheck Instance = new();
    }
}
