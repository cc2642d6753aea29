using System.Text.Json.Serialization;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Source-generated JSON for the agent's own state file (<c>agent.json</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
