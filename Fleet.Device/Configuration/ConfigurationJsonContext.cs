using System.Text.Json.Serialization;

namespace Fleet.Device.Configuration;

/// <summary>Source-generated JSON for the agent's configuration file (comments and trailing commas allowed).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(DeviceOptions))]
internal sealed partial class ConfigurationJsonContext : JsonSerializerContext;
