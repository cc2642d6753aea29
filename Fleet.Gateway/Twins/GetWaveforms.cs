namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for the output excerpts of its latest heal that carried them; answered with <see cref="LatestWaveforms"/>.</summary>
internal sealed record GetWaveforms(string DeviceId) : ITwinMessage;

/// <summary>The answer to <see cref="GetWaveforms"/>: <paramref name="Heal"/> is null when no heal carried excerpts yet.</summary>
internal sealed record LatestWaveforms(OutputWaveforms? Heal) : IFleetClusterMessage;
