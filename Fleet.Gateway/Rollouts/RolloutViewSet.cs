namespace Fleet.Gateway.Rollouts;

/// <summary>The <see cref="RolloutManager"/>'s answer to <see cref="GetRolloutViews"/>: the rollouts it holds, id → view.</summary>
internal sealed record RolloutViewSet(IReadOnlyDictionary<string, RolloutView> Views) : IFleetClusterMessage;
