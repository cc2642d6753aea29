namespace Fleet.Gateway.Store.Rollouts;

/// <summary>Outcome of a rollout update with the rollout as stored afterwards (null when not found).</summary>
internal sealed record RolloutUpdateResult(RolloutUpdateStatus Status, RolloutRecord? Current);
