using Fleet.Shared.Protocol;
using Fleet.Gateway.Events;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private const int MaxSampleRate = 192_000;

    private TwinHistory? _history;

    /// <summary>Adds a telemetry window to the history and shows it to whoever watches this device.</summary>
    private void RecordHistory(TelemetryMessage telemetry)
    {
        _history ??= new TwinHistory();
        var point = (_history.Telemetry ??= new TelemetryHistory()).Add(_services.Time.GetUtcNow(), telemetry);
        if (_services.Events is { } events && events.Watches(_deviceId))
        {
            events.Publish(new MetricsRecorded(_deviceId, point));
        }
    }

    /// <summary>Keeps the output excerpts of a heal event (the newest pair wins); malformed excerpts are dropped, the heal is not.</summary>
    private void KeepWaveforms(HealEvent heal)
    {
        if (heal.Output is not { } output || output.SampleRate is <= 0 or > MaxSampleRate)
        {
            return;
        }

        var clean = Pcm(output.Clean);
        var corrupted = Pcm(output.Corrupted);
        if (clean is null && corrupted is null)
        {
            return;
        }

        var waveforms = new OutputWaveforms(heal.Id, _services.Time.GetUtcNow(), Camel(heal.Diagnosis.ToString()), Camel(heal.Outcome.ToString()), output.SampleRate, clean, corrupted);
        (_history ??= new TwinHistory()).Waveforms = waveforms;
        var kept = new Store.Healing.HealWaveforms(_deviceId, waveforms.HealId, waveforms.Time, waveforms.Diagnosis, waveforms.Outcome, waveforms.SampleRate, clean, corrupted);
        Persist(store => store.HealEvents.SaveWaveformsAsync(kept, CancellationToken.None));
        if (_services.Events is { } events && events.Watches(_deviceId))
        {
            events.Publish(new WaveformsRecorded(_deviceId, heal.Id));
        }
    }

    private void OnGetMetricHistory(GetMetricHistory get) => Sender.Tell(_history?.Telemetry?.Latest(get.Points) ?? [], Self);

    private void OnGetWaveforms(GetWaveforms get) => Sender.Tell(new LatestWaveforms(_history?.Waveforms), Self);

    private static byte[]? Pcm(byte[]? samples) =>
        samples is { Length: > 0 } s && s.Length % sizeof(short) == 0 && s.Length <= HealOutputSnippets.MaxSamples * sizeof(short) ? s : null;
}
