namespace Fleet.Gateway.Twins;

/// <summary>
/// What a twin remembers for the dashboard beyond its state: recent telemetry windows and the output excerpts of its
/// latest heal. One object behind one field, allocated on the first telemetry or excerpt, so an idle twin pays 8 bytes.
/// </summary>
/// <remarks>In memory only, like <see cref="TwinMetrics"/>: a restarted twin starts a new history.</remarks>
internal sealed class TwinHistory
{
    public TelemetryHistory? Telemetry { get; set; }

    public OutputWaveforms? Waveforms { get; set; }
}
