namespace Fleet.Gateway.Rollouts;

/// <summary>How <see cref="StartRollout"/> ended: the new rollout's view, or why none was started.</summary>
internal sealed record RolloutStartResult(RolloutRequestStatus Status, string? Problem, RolloutView? View) : IFleetClusterMessage;
