using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>thresholds</c> in desired state and report: trigger levels set by the gateway (absent = the device's own).</summary>
public sealed record ThresholdSettings
{
    /// <summary>Upper bound on the device's KL trigger level (nats).</summary>
    [JsonPropertyName("klMax")]
    public double? KlMax { get; init; }

    /// <summary>Input drift score at which inputs count as drifted (baseline standard deviations).</summary>
    [JsonPropertyName("inputShiftMax")]
    public double? InputShiftMax { get; init; }
}
