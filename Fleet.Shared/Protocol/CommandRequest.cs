using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>fleet/v1/d/{id}/cmd</c>: a command for the device.</summary>
/// <remarks>The name is a string, not an enum, so a device can answer an unknown command with an error result.</remarks>
public sealed record CommandRequest
{
    /// <summary>Protocol version.</summary>
    [JsonPropertyName("v")]
    public int V { get; init; } = ProtocolVersion.Current;

    /// <summary>Command id, echoed in the result.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>One of <see cref="CommandNames"/>.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Arguments (an object); null when none.</summary>
    [JsonPropertyName("args")]
    public JsonElement? Args { get; init; }

    /// <summary>MQTT 3.1.1 only: where to answer (else the MQTT 5 Response Topic is used).</summary>
    [JsonPropertyName("responseTopic")]
    public string? ResponseTopic { get; init; }
}
