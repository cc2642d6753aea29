using Fleet.Gateway.Events;

namespace Fleet.Gateway.Twins;

/// <summary>A device's twin kept new output excerpts from a heal; only the views watching that device hear of it.</summary>
internal sealed record WaveformsRecorded(string DeviceId, string HealId) : FleetEvent
{
    public override string Name => "waveforms";

    public override string? WatchedDevice => DeviceId;
}
