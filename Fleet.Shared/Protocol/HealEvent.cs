using System.Text.Json.Serialization;
using Fleet.Shared.Health;

namespace Fleet.Shared.Protocol;

/// <summary><c>type: heal</c> — one remediation episode.</summary>
public sealed record HealEvent : DeviceEvent
{
    private readonly IReadOnlyList<HealRungResult>? _rungs;

    /// <summary>Episode id, unique per device (e.g. <c>h-17</c>).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The diagnosis the ladder started from.</summary>
    [JsonPropertyName("diagnosis")]
    public required Diagnosis Diagnosis { get; init; }

    /// <summary>What triggered it: <c>digest</c>, <c>kl</c>, <c>drift</c>, <c>activations</c>, <c>latency</c>, <c>command</c>.</summary>
    [JsonPropertyName("trigger")]
    public string? Trigger { get; init; }

    /// <summary>The rungs climbed, in order; empty when the device sent none.</summary>
    /// <remarks>The source-generated reader sets every init-only member, an absent one to null, so the default lives in the getter.</remarks>
    [JsonPropertyName("rungs")]
    public IReadOnlyList<HealRungResult> Rungs
    {
        get => _rungs ?? [];
        init => _rungs = value;
    }

    /// <summary>How it ended.</summary>
    [JsonPropertyName("outcome")]
    public required HealOutcome Outcome { get; init; }

    /// <summary>Model version running afterwards.</summary>
    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; init; }

    /// <summary>Optional excerpts of the model's output from the last clean window and the triggering window.</summary>
    [JsonPropertyName("output")]
    public HealOutputSnippets? Output { get; init; }
}
