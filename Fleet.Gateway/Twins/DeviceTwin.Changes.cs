using Fleet.Gateway.Api.Events;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private TwinChanged? _published;

    /// <summary>Tells live views when the twin's summary (health, presence, model, quarantine) differs from what they last heard.</summary>
    private void PublishChange()
    {
        if (_services.Events is not { } events || !_registered)
        {
            return;
        }

        var health = _reported?.Health;
        var model = _reported?.ModelVersion;
        if (_published is { } last && last.Online == _online && last.Quarantined == _quarantined && last.Health == health && last.ModelVersion == model)
        {
            return;
        }

        _published = new TwinChanged(_deviceId, health, _online, model, _quarantined);
        events.Publish(_published);
    }
}
