using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Shared.Health;

namespace Fleet.Shared.Protocol;

/// <summary><c>type: insight</c> — a failure insight: never raw inputs, only summaries the fleet can learn from.</summary>
public sealed record InsightEvent : DeviceEvent
{
    /// <summary>A stable failure signature (same failure, same signature across devices).</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>The diagnosis.</summary>
    [JsonPropertyName("diagnosis")]
    public Diagnosis? Diagnosis { get; init; }

    /// <summary>Model version that failed.</summary>
    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; init; }

    /// <summary>KL statistics of the failing windows.</summary>
    [JsonPropertyName("kl")]
    public KlStatistics? Kl { get; init; }

    /// <summary>A sketch of the input region where quality failed (docs/PROTOCOL.md, <c>insight.region</c>; opaque here).</summary>
    [JsonPropertyName("region")]
    public JsonElement? Region { get; init; }

    /// <summary>The noise the device added to <see cref="Region"/>, or null when the sketch is exact.</summary>
    [JsonPropertyName("noise")]
    public InsightNoise? Noise { get; init; }

    /// <summary>How remediation ended.</summary>
    [JsonPropertyName("outcome")]
    public HealOutcome? Outcome { get; init; }
}
