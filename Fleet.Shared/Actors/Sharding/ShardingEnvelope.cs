namespace Fleet.Shared.Actors.Sharding;

/// <summary>A message addressed to an entity by id, for regions using <see cref="ShardingEnvelopeExtractor"/>.</summary>
/// <param name="EntityId">The entity.</param>
/// <param name="Message">What the entity receives.</param>
public sealed record ShardingEnvelope(string EntityId, object Message);
