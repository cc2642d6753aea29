using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Shared.Protocol;

/// <summary>Encodes and decodes v1 payloads; decoding foreign bytes returns a failure value and never throws.</summary>
/// <remarks>
/// Decoding first finds the top-level <c>v</c>: a payload without it, or with a version other than
/// <see cref="ProtocolVersion.Current"/>, is rejected with a reason before its schema is looked at
/// (so a v2 payload is reported as unsupported, not as malformed). Unknown fields are ignored, but every
/// string in the payload must be valid UTF-8 and every number finite; the decoded value must then keep the
/// rules <see cref="WireRules"/> checks (non-negative counters, <see cref="WireLimits"/>, enumerated names).
/// </remarks>
public static class WireCodec
{
    /// <summary>Largest payload decoded (<see cref="WireLimits.MaxPayloadBytes"/>); bigger ones are rejected as invalid.</summary>
    public const int MaxPayloadBytes = WireLimits.MaxPayloadBytes;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    /// <summary>UTF-8 JSON of <paramref name="message"/>; events carry their <c>type</c>.</summary>
    public static byte[] Encode<T>(T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        return message is DeviceEvent e
            ? JsonSerializer.SerializeToUtf8Bytes(e, ProtocolJsonContext.Default.DeviceEvent)
            : JsonSerializer.SerializeToUtf8Bytes(message, TypeInfo<T>());
    }

    /// <summary>Decodes a status payload.</summary>
    public static WireResult<StatusMessage> DecodeStatus(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.StatusMessage);

    /// <summary>Decodes a report payload.</summary>
    public static WireResult<ReportMessage> DecodeReport(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.ReportMessage);

    /// <summary>Decodes a telemetry payload.</summary>
    public static WireResult<TelemetryMessage> DecodeTelemetry(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.TelemetryMessage);

    /// <summary>Decodes an event payload into its concrete event type.</summary>
    public static WireResult<DeviceEvent> DecodeEvent(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.DeviceEvent);

    /// <summary>Decodes a desired-state payload.</summary>
    public static WireResult<DesiredState> DecodeDesired(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.DesiredState);

    /// <summary>Decodes a command payload.</summary>
    public static WireResult<CommandRequest> DecodeCommand(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.CommandRequest);

    /// <summary>Decodes a command-result payload.</summary>
    public static WireResult<CommandResult> DecodeCommandResult(ReadOnlySpan<byte> payload) => Decode(payload, ProtocolJsonContext.Default.CommandResult);

    /// <summary>Reads only the top-level <c>v</c> of a payload.</summary>
    public static WireResult<int> ReadVersion(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return WireResult<int>.Failure(WireErrorKind.Invalid, $"payload of {payload.Length} bytes is over the protocol's limit of {MaxPayloadBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return WireResult<int>.Failure(WireErrorKind.Malformed, "payload is not a JSON object");
            }

            int? version = null;
            var versionText = (string?)null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("v"u8);
                reader.Read();
                if (isVersion && version is null && versionText is null)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v))
                    {
                        version = v;
                    }
                    else
                    {
                        versionText = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString();
                    }
                }

                reader.Skip();
            }

            // The remaining tokens must form valid JSON too; the deserializer checks the rest.
            return version switch
            {
                ProtocolVersion.Current => WireResult<int>.Success(ProtocolVersion.Current),
                { } other => WireResult<int>.Failure(WireErrorKind.UnsupportedVersion, $"protocol version {other} is not supported (this receiver knows {ProtocolVersion.Current})"),
                null when versionText is not null => WireResult<int>.Failure(WireErrorKind.UnsupportedVersion, $"protocol version {versionText} is not an integer this receiver knows ({ProtocolVersion.Current})"),
                null => WireResult<int>.Failure(WireErrorKind.MissingVersion, "payload has no \"v\" (protocol version)"),
            };
        }
        catch (JsonException ex)
        {
            return WireResult<int>.Failure(WireErrorKind.Malformed, $"malformed JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // A field name escaping a lone surrogate (\udfff) is well-formed JSON but no text.
            return WireResult<int>.Failure(WireErrorKind.Invalid, $"invalid text in JSON: {ex.Message}");
        }
    }

    private static WireResult<T> Decode<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var version = ReadVersion(payload);
        if (!version.IsSuccess)
        {
            return WireResult<T>.Failure(version.Error.Kind, version.Error.Message);
        }

        try
        {
            if (WireRules.CheckTokens(payload, ReaderOptions) is { } badToken)
            {
                return WireResult<T>.Failure(WireErrorKind.Invalid, $"not a valid {typeof(T).Name}: {badToken}");
            }

            if (JsonSerializer.Deserialize(payload, typeInfo) is not { } value)
            {
                return WireResult<T>.Failure(WireErrorKind.Malformed, "payload is null");
            }

            return WireRules.Check(value) is { } broken
                ? WireResult<T>.Failure(WireErrorKind.Invalid, $"not a valid {typeof(T).Name}: {broken}")
                : WireResult<T>.Success(value);
        }
        catch (JsonException ex)
        {
            return WireResult<T>.Failure(WireErrorKind.Invalid, $"not a valid {typeof(T).Name}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return WireResult<T>.Failure(WireErrorKind.Invalid, $"not a valid {typeof(T).Name}: {ex.Message}");
        }
        catch (NotSupportedException ex)
        {
            // An abstract event with a missing or unknown "type" discriminator lands here.
            return WireResult<T>.Failure(WireErrorKind.Invalid, $"not a valid {typeof(T).Name}: {ex.Message}");
        }
    }

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        ProtocolJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not a Fleet v1 payload.");
}
