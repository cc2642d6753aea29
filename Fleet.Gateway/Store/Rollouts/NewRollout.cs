namespace Fleet.Gateway.Store.Rollouts;

/// <summary>A rollout to create; it starts <see cref="RolloutState.Pending"/> at wave 0, version 1.</summary>
internal sealed record NewRollout(string Id, string ModelId, string ModelVersion, string PolicyJson);
