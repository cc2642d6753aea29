using Fleet.Gateway.Events;

namespace Fleet.Gateway.Supervision;

/// <summary>The fleet supervisor raised (and handled) an incident.</summary>
internal sealed record IncidentRaised(FleetIncident Incident) : FleetEvent
{
    public override string Name => "incident";
}
