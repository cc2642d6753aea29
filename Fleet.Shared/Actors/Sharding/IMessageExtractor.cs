namespace Fleet.Shared.Actors.Sharding;

/// <summary>Tells a <see cref="ShardRegion"/> which entity and shard a message is for, and what the entity receives.</summary>
/// <remarks>Implementations must be pure and thread-safe; the same entity id must always map to the same shard id.</remarks>
public interface IMessageExtractor
{
    /// <summary>The entity the message is for, or <see langword="null"/> if the region does not handle it.</summary>
    string? EntityId(object message);

    /// <summary>The shard of the message's entity.</summary>
    string ShardId(object message);

    /// <summary>What the entity receives (the message itself or an unwrapped payload).</summary>
    object EntityMessage(object message);
}
