namespace Fleet.Gateway.Rollouts;

/// <summary>An operator's pause, resume or abort; answered with a <see cref="RolloutChangeResult"/>.</summary>
internal sealed record ChangeRollout(string RolloutId, RolloutAction Action, string? Reason, string Actor) : IFleetClusterMessage;
