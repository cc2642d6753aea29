namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for the output excerpts of its latest heal that carried them (null when none has).</summary>
internal sealed record GetWaveforms(string DeviceId, TaskCompletionSource<OutputWaveforms?> Reply) : ITwinMessage;
