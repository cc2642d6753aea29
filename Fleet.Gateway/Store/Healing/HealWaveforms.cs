namespace Fleet.Gateway.Store.Healing;

/// <summary>
/// The output excerpts of a device's latest heal that carried any (little-endian 16-bit PCM at
/// <see cref="SampleRate"/>), kept per device so an operator can still see and hear them after a gateway restart.
/// </summary>
/// <param name="Recorded">When the gateway received the heal.</param>
internal sealed record HealWaveforms(string DeviceId, string HealId, DateTimeOffset Recorded, string Diagnosis, string Outcome, int SampleRate, byte[]? Clean, byte[]? Corrupted);
