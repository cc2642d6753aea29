namespace Fleet.Shared.Protocol;

/// <summary>The size limits of docs/PROTOCOL.md ("Limits"), checked by <see cref="WireCodec"/> at decode.</summary>
/// <remarks>
/// The gateway's store enforces the same numbers (its limits are defined from these), so a payload the codec
/// accepts is never refused by the store for its size: an over-limit payload is rejected as invalid at
/// decode, with the reason, instead of failing later in a write.
/// </remarks>
public static class WireLimits
{
    /// <summary>Largest payload in bytes (256 KiB).</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>Longest identifier (heal <c>id</c>, command <c>id</c>, model <c>id</c> and <c>version</c>) in characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Longest free text (an insight <c>signature</c>, a <c>reason</c>, <c>error</c>, <c>detail</c>, <c>note</c>, <c>agent</c>) in characters.</summary>
    public const int MaxTextLength = 4096;
}
