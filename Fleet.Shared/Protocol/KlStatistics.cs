using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>KL statistics over the windows behind an insight.</summary>
public sealed record KlStatistics
{
    /// <summary>Windows summarised.</summary>
    [JsonPropertyName("windows")]
    public int Windows { get; init; }

    /// <summary>Mean KL (nats).</summary>
    [JsonPropertyName("mean")]
    public double Mean { get; init; }

    /// <summary>Largest KL (nats).</summary>
    [JsonPropertyName("max")]
    public double Max { get; init; }

    /// <summary>The trigger level in force.</summary>
    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }
}
