using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>fleet/v1/d/{id}/desired</c>: what the gateway wants the device to run (retained, versioned).</summary>
public sealed record DesiredState
{
    /// <summary>Protocol version.</summary>
    [JsonPropertyName("v")]
    public int V { get; init; } = ProtocolVersion.Current;

    /// <summary>Desired-state version; devices apply versions in increasing order.</summary>
    [JsonPropertyName("version")]
    public required long Version { get; init; }

    /// <summary>Sender's clock; informational.</summary>
    [JsonPropertyName("ts")]
    public DateTimeOffset? Ts { get; init; }

    /// <summary>The model to run; null leaves the model as it is.</summary>
    [JsonPropertyName("model")]
    public ModelManifest? Model { get; init; }

    /// <summary>Thresholds; null leaves the device's own.</summary>
    [JsonPropertyName("thresholds")]
    public ThresholdSettings? Thresholds { get; init; }
}
