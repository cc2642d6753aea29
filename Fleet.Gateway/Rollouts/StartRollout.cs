namespace Fleet.Gateway.Rollouts;

/// <summary>Asks the <see cref="RolloutManager"/> to start a rollout; answered with a <see cref="RolloutStartResult"/>.</summary>
/// <param name="Devices">The devices to update; null means every registered device not yet on the version.</param>
internal sealed record StartRollout(string ModelId, string Version, RolloutPolicy Policy, IReadOnlyList<string>? Devices, string Actor) : IFleetClusterMessage;
