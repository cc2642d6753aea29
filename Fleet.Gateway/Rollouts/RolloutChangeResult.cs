namespace Fleet.Gateway.Rollouts;

/// <summary>How a <see cref="ChangeRollout"/> ended, with the rollout afterwards.</summary>
internal sealed record RolloutChangeResult(RolloutRequestStatus Status, string? Problem, RolloutView? View) : IFleetClusterMessage;
