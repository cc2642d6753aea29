using System.Text.Json.Serialization;

namespace Fleet.Shared.Models;

/// <summary>One golden input and the output a healthy model produces for it.</summary>
public sealed record GoldenCase(
    [property: JsonPropertyName("input")] float[] Input,
    [property: JsonPropertyName("expected")] float[] Expected);
