using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>
/// The envelope every device-to-gateway payload carries: <c>v</c>, <c>seq</c>, <c>epoch</c> and <c>ts</c>.
/// <see cref="StatusMessage"/> derives from it directly (its <c>seq</c> is optional, the Last Will has none);
/// report, telemetry and events derive from <see cref="SequencedEnvelope"/>, whose <c>seq</c> is required.
/// </summary>
/// <remarks>
/// <para>
/// The bytes on the wire are fixed (Fleet.Tests/Protocol/WireEnvelopeTests). System.Text.Json writes a derived type's
/// own properties before its base's and then sorts stably by <see cref="JsonPropertyOrderAttribute"/>. The envelope
/// members therefore carry the orders <see cref="OrderV"/>…<see cref="OrderTs"/> (1 to 4), which keeps them together
/// and in the order v, seq, epoch, ts wherever <c>seq</c> is declared; a payload member left at the default order 0
/// comes before the envelope (events: <c>{"type":…, own members…, "v":…, "seq":…, "epoch":…, "ts":…}</c>), and one
/// marked <c>[JsonPropertyOrder(WireEnvelope.PayloadAfterEnvelope)]</c> comes after it (status, report, telemetry).
/// </para>
/// <para>
/// Orders rather than one ordering per record were chosen so that the four members are declared once (here and the
/// one <c>seq</c> of each branch), new event types need no attributes, and the status/report/telemetry records say
/// on each member where it goes.
/// </para>
/// </remarks>
public abstract record WireEnvelope
{
    /// <summary>Serialization order of <c>v</c>.</summary>
    public const int OrderV = 1;

    /// <summary>Serialization order of <c>seq</c>.</summary>
    public const int OrderSeq = 2;

    /// <summary>Serialization order of <c>epoch</c>.</summary>
    public const int OrderEpoch = 3;

    /// <summary>Serialization order of <c>ts</c>.</summary>
    public const int OrderTs = 4;

    /// <summary>The order of a payload member that is written after the envelope.</summary>
    public const int PayloadAfterEnvelope = 5;

    /// <summary>Protocol version.</summary>
    [JsonPropertyName("v")]
    [JsonPropertyOrder(OrderV)]
    public int V { get; init; } = ProtocolVersion.Current;

    /// <summary>Counter epoch (changes when the device lost its counter).</summary>
    [JsonPropertyName("epoch")]
    [JsonPropertyOrder(OrderEpoch)]
    public long? Epoch { get; init; }

    /// <summary>Sender's clock; informational.</summary>
    [JsonPropertyName("ts")]
    [JsonPropertyOrder(OrderTs)]
    public DateTimeOffset? Ts { get; init; }
}

/// <summary>The envelope of a payload that always carries the device's message counter (report, telemetry, events).</summary>
public abstract record SequencedEnvelope : WireEnvelope
{
    /// <summary>The device's message counter.</summary>
    [JsonPropertyName("seq")]
    [JsonPropertyOrder(OrderSeq)]
    [JsonRequired]
    public long Seq { get; init; }
}
