using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/telemetry</c>: one window of health metrics. A metric the device does not have is absent, never 0.</summary>
public sealed record TelemetryMessage : SequencedEnvelope
{
    /// <summary>Length of the window in seconds.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("window")]
    public double? Window { get; init; }

    /// <summary>KL divergence of the window's outputs from the baseline (nats).</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("kl")]
    public double? Kl { get; init; }

    /// <summary>The KL trigger level in force.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("klThreshold")]
    public double? KlThreshold { get; init; }

    /// <summary>Input drift score (baseline standard deviations).</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("inputShift")]
    public double? InputShift { get; init; }

    /// <summary>Median inference latency, µs.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("latencyP50Us")]
    public double? LatencyP50Us { get; init; }

    /// <summary>99th-percentile inference latency, µs.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("latencyP99Us")]
    public double? LatencyP99Us { get; init; }

    /// <summary>Inferences in the window.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("inferences")]
    public long? Inferences { get; init; }

    /// <summary>Heal episodes since the agent started.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("heals")]
    public long? Heals { get; init; }

    /// <summary>SoC temperature, °C.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("temperatureC")]
    public double? TemperatureC { get; init; }

    /// <summary>Memory used by the agent, MB.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("memoryUsedMb")]
    public double? MemoryUsedMb { get; init; }
}
