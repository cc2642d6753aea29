using System.Text.Json.Serialization;
using Fleet.Shared.Health;

namespace Fleet.Shared.Protocol;

/// <summary>Source-generated System.Text.Json metadata for every v1 payload.</summary>
/// <remarks>
/// Null members are omitted on write (absent sensors are never faked); unknown members are ignored on
/// read; <c>null</c> in a non-nullable member, a missing required member, an integer where an enum name
/// belongs, or an unknown event <c>type</c> fail the read. Use <see cref="WireCodec"/> rather than this
/// context directly: it turns those failures into values.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters =
    [
        typeof(UtcTimestampConverter),
        typeof(CamelCaseEnumConverter<DeviceState>),
        typeof(CamelCaseEnumConverter<OfflineReason>),
        typeof(CamelCaseEnumConverter<ModelSource>),
        typeof(CamelCaseEnumConverter<DeviceHealth>),
        typeof(CamelCaseEnumConverter<HealRung>),
        typeof(CamelCaseEnumConverter<ValidationVerdict>),
        typeof(CamelCaseEnumConverter<HealOutcome>),
        typeof(CamelCaseEnumConverter<UpdateOutcome>),
        typeof(CamelCaseEnumConverter<Diagnosis>),
    ])]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(ReportMessage))]
[JsonSerializable(typeof(TelemetryMessage))]
[JsonSerializable(typeof(DeviceEvent))]
[JsonSerializable(typeof(DesiredState))]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandResult))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
