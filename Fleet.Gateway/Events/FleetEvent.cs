namespace Fleet.Gateway.Events;

/// <summary>Something the live views (the dashboard) are told about; <see cref="Name"/> is the Server-Sent Events event name.</summary>
internal abstract record FleetEvent
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
