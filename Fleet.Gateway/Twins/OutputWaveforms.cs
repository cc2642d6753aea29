namespace Fleet.Gateway.Twins;

/// <summary>
/// The output excerpts a device attached to its latest heal event that carried any: the last clean window and the
/// window that triggered the heal, as little-endian 16-bit PCM at <see cref="SampleRate"/>.
/// </summary>
internal sealed record OutputWaveforms(string HealId, DateTimeOffset Time, string Diagnosis, string Outcome, int SampleRate, byte[]? Clean, byte[]? Corrupted);
