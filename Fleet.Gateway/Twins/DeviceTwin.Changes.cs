using Fleet.Gateway.Events;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private TwinChanged? _published;

    /// <summary>Tells live views when the twin's summary (health, presence, model, quarantine) differs from what they last heard.</summary>
    private void PublishChange()
    {
        // With no fleet-wide view open on any node there is nobody to tell (a view reads the snapshot when it connects).
        if (_services.Events is not { } events || !events.HasFleetListeners || !_registered)
        {
            return;
        }

        var health = _reported?.Health;
        var model = _reported?.ModelVersion;
        if (_published is { } last && last.Online == _online && last.Quarantined == _quarantined && last.Health == health && last.ModelVersion == model)
        {
            return;
        }

        _published = new TwinChanged(_deviceId, _shard, health, _online, model, _quarantined, _lastSeen);
        events.Publish(_published);
    }
}
