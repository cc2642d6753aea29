using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>report.cannotApply</c>: a desired state the device refused, and why.</summary>
public sealed record CannotApply
{
    /// <summary>The refused desired-state version.</summary>
    [JsonPropertyName("version")]
    public required long Version { get; init; }

    /// <summary>Why, e.g. <c>signature does not verify</c>.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}
