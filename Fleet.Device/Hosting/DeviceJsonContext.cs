using System.Text.Json.Serialization;
using Fleet.Device.Configuration;
using Fleet.Device.Monitoring;

namespace Fleet.Device.Hosting;

/// <summary>Source-generated JSON for the agent's own files and the insight sketch.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(InputSketch))]
[JsonSerializable(typeof(DeviceOptions))]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
