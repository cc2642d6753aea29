using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>The answer to a <see cref="CommandRequest"/>.</summary>
public sealed record CommandResult
{
    /// <summary>Protocol version.</summary>
    [JsonPropertyName("v")]
    public int V { get; init; } = ProtocolVersion.Current;

    /// <summary>The device's message counter.</summary>
    [JsonPropertyName("seq")]
    [JsonRequired]
    public long Seq { get; init; }

    /// <summary>Counter epoch.</summary>
    [JsonPropertyName("epoch")]
    public long? Epoch { get; init; }

    /// <summary>The command's id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>True when the command succeeded.</summary>
    [JsonPropertyName("ok")]
    public required bool Ok { get; init; }

    /// <summary>Command-specific result; null when none.</summary>
    [JsonPropertyName("result")]
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed; null on success.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
