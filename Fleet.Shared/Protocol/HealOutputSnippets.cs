using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>
/// A short, downsampled excerpt of the model's output (for the vocoder: audio) before and at a heal, so an
/// operator can see and hear what the fault did.
/// </summary>
/// <remarks>
/// Each excerpt is little-endian signed 16-bit PCM (full scale = output 1.0, clipped), base64 on the wire, at most
/// <see cref="MaxSamples"/> samples. It is the model's output, never its input. Both excerpts are optional: a device
/// that has not yet seen a clean window sends only <see cref="Corrupted"/>.
/// </remarks>
public sealed record HealOutputSnippets
{
    /// <summary>The most samples one excerpt may carry.</summary>
    public const int MaxSamples = 1024;

    /// <summary>Samples per second of both excerpts.</summary>
    [JsonPropertyName("sampleRate")]
    [JsonRequired]
    public int SampleRate { get; init; }

    /// <summary>The end of the last window with no signal above its threshold, before the fault.</summary>
    [JsonPropertyName("clean")]
    public byte[]? Clean { get; init; }

    /// <summary>The end of the window that triggered the heal.</summary>
    [JsonPropertyName("corrupted")]
    public byte[]? Corrupted { get; init; }
}
