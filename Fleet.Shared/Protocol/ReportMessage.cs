using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/report</c>: the device's reported twin state (retained).</summary>
public sealed record ReportMessage : SequencedEnvelope
{
    /// <summary>Highest desired-state version processed (applied or refused); 0 when none.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("desiredVersion")]
    public long DesiredVersion { get; init; }

    /// <summary>The running model; null when none is installed.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("model")]
    public ModelInfo? Model { get; init; }

    /// <summary>The device's view of its model.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("health")]
    public required DeviceHealth Health { get; init; }

    /// <summary>Thresholds in force.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("thresholds")]
    public ThresholdSettings? Thresholds { get; init; }

    /// <summary>Agent name and version.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("agent")]
    public string? Agent { get; init; }

    /// <summary>The last refused desired state; null (or absent) when none.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("cannotApply")]
    public CannotApply? CannotApply { get; init; }
}
