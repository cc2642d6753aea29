using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>type: validation</c> — the result of a golden-input validation the gateway asked for.</summary>
public sealed record ValidationEvent : DeviceEvent
{
    /// <summary>The <c>validate</c> command's id, when it was asked for by one.</summary>
    [JsonPropertyName("commandId")]
    public string? CommandId { get; init; }

    /// <summary>The model version validated.</summary>
    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; init; }

    /// <summary>Pass or fail.</summary>
    [JsonPropertyName("verdict")]
    public required ValidationVerdict Verdict { get; init; }

    /// <summary>Golden inputs run.</summary>
    [JsonPropertyName("cases")]
    public int? Cases { get; init; }

    /// <summary>Golden inputs whose output was out of tolerance.</summary>
    [JsonPropertyName("failures")]
    public int? Failures { get; init; }

    /// <summary>Largest absolute output error seen.</summary>
    [JsonPropertyName("maxError")]
    public double? MaxError { get; init; }
}
