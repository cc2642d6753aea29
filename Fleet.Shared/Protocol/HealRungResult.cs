using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary>One rung climbed in a heal episode and its validation.</summary>
public sealed record HealRungResult
{
    /// <summary>The rung.</summary>
    [JsonPropertyName("rung")]
    public required HealRung Rung { get; init; }

    /// <summary>Golden-input validation after the rung.</summary>
    [JsonPropertyName("validation")]
    public required ValidationVerdict Validation { get; init; }

    /// <summary>Time the rung took, ms.</summary>
    [JsonPropertyName("durationMs")]
    public double? DurationMs { get; init; }

    /// <summary>What was done, e.g. <c>restored 1 tensor: dense1.weight</c>.</summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}
