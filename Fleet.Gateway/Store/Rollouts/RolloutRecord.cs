namespace Fleet.Gateway.Store.Rollouts;

/// <summary>A rollout's durable progress; <see cref="Version"/> guards concurrent updates.</summary>
internal sealed record RolloutRecord(
    string Id,
    string ModelId,
    string ModelVersion,
    RolloutState State,
    string PolicyJson,
    int WaveIndex,
    string? Reason,
    int Version,
    DateTimeOffset Created,
    DateTimeOffset Updated);
