using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>Enums as camelCase strings (<c>DataDrift</c> ↔ <c>"dataDrift"</c>); integers are rejected.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
