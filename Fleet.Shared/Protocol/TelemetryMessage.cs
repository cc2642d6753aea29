using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/telemetry</c>: one window of health metrics. A metric the device does not have is absent, never 0.</summary>
public sealed record TelemetryMessage
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

    /// <summary>Length of the window in seconds.</summary>
    [JsonPropertyName("window")]
    public double? Window { get; init; }

    /// <summary>KL divergence of the window's outputs from the baseline (nats).</summary>
    [JsonPropertyName("kl")]
    public double? Kl { get; init; }

    /// <summary>The KL trigger level in force.</summary>
    [JsonPropertyName("klThreshold")]
    public double? KlThreshold { get; init; }

    /// <summary>Input drift score (baseline standard deviations).</summary>
    [JsonPropertyName("inputShift")]
    public double? InputShift { get; init; }

    /// <summary>Median inference latency, µs.</summary>
    [JsonPropertyName("latencyP50Us")]
    public double? LatencyP50Us { get; init; }

    /// <summary>99th-percentile inference latency, µs.</summary>
    [JsonPropertyName("latencyP99Us")]
    public double? LatencyP99Us { get; init; }

    /// <summary>Inferences in the window.</summary>
    [JsonPropertyName("inferences")]
    public long? Inferences { get; init; }

    /// <summary>Heal episodes since the agent started.</summary>
    [JsonPropertyName("heals")]
    public long? Heals { get; init; }

    /// <summary>SoC temperature, °C.</summary>
    [JsonPropertyName("temperatureC")]
    public double? TemperatureC { get; init; }

    /// <summary>Memory used by the agent, MB.</summary>
    [JsonPropertyName("memoryUsedMb")]
    public double? MemoryUsedMb { get; init; }
}
