using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>report.model</c>: the model the device is running.</summary>
public sealed record ModelInfo
{
    /// <summary>Model id, e.g. <c>vocoder</c>.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Model version, e.g. <c>1.2.0</c>.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Lower-case hex SHA-256 of the artifact.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary>Which slot it runs from.</summary>
    [JsonPropertyName("source")]
    public required ModelSource Source { get; init; }

    /// <summary>
    /// What the device changed in the running version, e.g. <c>critical layers restored dense from 1.0.0</c> after
    /// the un-prune rung; null when it runs the artifact as shipped.
    /// </summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }
}
