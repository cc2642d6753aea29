namespace Fleet.Gateway.Events;

/// <summary>Something the live views (the dashboard) are told about; <see cref="Name"/> is the Server-Sent Events event name.</summary>
/// <remarks>
/// A cluster message: a node forwards the events its twins, supervisor and rollout manager publish to the other nodes
/// whose views want them (<see cref="FleetEventBridge"/>), so every concrete event is a plain record with a manifest in
/// the cluster serializer.
/// </remarks>
internal abstract record FleetEvent : IFleetClusterMessage
{
    public abstract string Name { get; }

    /// <summary>Null for a fleet-wide event; else the one device whose views (<c>/api/v1/events?device=</c>) alone receive it.</summary>
    public virtual string? WatchedDevice => null;
}

/// <summary>A twin's summary changed: health, presence, running model or quarantine.</summary>
internal sealed record TwinChanged(string DeviceId, int Shard, string? Health, bool Online, string? ModelVersion, bool Quarantined, DateTimeOffset? LastSeen) : FleetEvent
{
    public override string Name => "twin";
}
