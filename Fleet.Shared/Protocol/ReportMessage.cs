using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/report</c>: the device's reported twin state (retained).</summary>
public sealed record ReportMessage
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

    /// <summary>Sender's clock; informational.</summary>
    [JsonPropertyName("ts")]
    public DateTimeOffset? Ts { get; init; }

    /// <summary>Highest desired-state version processed (applied or refused); 0 when none.</summary>
    [JsonPropertyName("desiredVersion")]
    public long DesiredVersion { get; init; }

    /// <summary>The running model; null when none is installed.</summary>
    [JsonPropertyName("model")]
    public ModelInfo? Model { get; init; }

    /// <summary>The device's view of its model.</summary>
    [JsonPropertyName("health")]
    public required DeviceHealth Health { get; init; }

    /// <summary>Thresholds in force.</summary>
    [JsonPropertyName("thresholds")]
    public ThresholdSettings? Thresholds { get; init; }

    /// <summary>Agent name and version.</summary>
    [JsonPropertyName("agent")]
    public string? Agent { get; init; }

    /// <summary>The last refused desired state; null (or absent) when none.</summary>
    [JsonPropertyName("cannotApply")]
    public CannotApply? CannotApply { get; init; }
}
