using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Rollouts;

/// <summary>A rollout's view changed (<c>event: rollout</c> on the event stream, the view as data).</summary>
internal sealed record RolloutChanged(RolloutView View) : FleetEvent
{
    public override string Name => "rollout";
}
