namespace Fleet.Gateway.Rollouts;

/// <summary>Asks the <see cref="RolloutManager"/> for the live views of the rollouts it holds (id → view).</summary>
internal sealed record GetRolloutViews : IFleetClusterMessage
{
    public static GetRolloutViews Instance { get; } = new();
}
