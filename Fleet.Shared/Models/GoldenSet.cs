using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Shared.Models;

/// <summary>
/// Golden inputs with expected outputs and a tolerance (max absolute error per element) for validating a model
/// after a heal or before a rollout. JSON with stable names, versioned by <c>v</c>.
/// </summary>
public sealed record GoldenSet(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input")] string InputName,
    [property: JsonPropertyName("output")] string OutputName,
    [property: JsonPropertyName("tolerance")] float Tolerance,
    [property: JsonPropertyName("cases")] IReadOnlyList<GoldenCase> Cases)
{
    /// <summary>The JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelsJsonContext.Default.GoldenSet);

    /// <summary>Parses the JSON form.</summary>
    /// <exception cref="FormatException">Not a v1 golden set.</exception>
    public static GoldenSet FromJson(string json)
    {
        GoldenSet? set;
        try
        {
            set = JsonSerializer.Deserialize(json, ModelsJsonContext.Default.GoldenSet);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a golden set: {ex.Message}", ex);
        }

        if (set is null || set.Version != 1 || set.Cases is null || set.Cases.Count == 0)
        {
            throw new FormatException("not a v1 golden set with at least one case");
        }

        return set;
    }
}
