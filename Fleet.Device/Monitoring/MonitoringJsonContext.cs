using System.Text.Json.Serialization;

namespace Fleet.Device.Monitoring;

/// <summary>Source-generated JSON for the input sketch an insight carries (camelCase, as on the wire).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(InputSketch))]
internal sealed partial class MonitoringJsonContext : JsonSerializerContext;
