using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>type: update</c> — the outcome of applying a desired state's model.</summary>
public sealed record UpdateEvent : DeviceEvent
{
    /// <summary>The desired-state version applied or refused.</summary>
    [JsonPropertyName("desiredVersion")]
    public required long DesiredVersion { get; init; }

    /// <summary>The model version concerned.</summary>
    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; init; }

    /// <summary>How it ended.</summary>
    [JsonPropertyName("outcome")]
    public required UpdateOutcome Outcome { get; init; }

    /// <summary>Why, for refusals and rollbacks.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}
