using System.Text.Json;
using Fleet.Gateway.Store.Insights;

namespace Fleet.Gateway.Insights;

/// <summary>Reads the fields the aggregator uses from a stored insight payload (already validated by the wire codec on ingest).</summary>
internal static class InsightParser
{
    /// <summary>The entry, or null when the payload carries a region that is not a valid sketch (the insight is then not counted).</summary>
    public static InsightEntry? Parse(InsightRecord record, out string? error)
    {
        ArgumentNullException.ThrowIfNull(record);
        error = null;
        using var document = JsonDocument.Parse(record.PayloadJson);
        var root = document.RootElement;
        RegionSketch? region = null;
        if (root.TryGetProperty("region", out var regionElement) && regionElement.ValueKind != JsonValueKind.Null)
        {
            region = RegionSketch.TryParse(regionElement, out error);
            if (region is null)
            {
                return null;
            }

            region = region with { Noise = NoiseOf(root) };
        }

        double? klMean = null;
        double? klMax = null;
        if (root.TryGetProperty("kl", out var kl) && kl.ValueKind == JsonValueKind.Object)
        {
            klMean = Number(kl, "mean");
            klMax = Number(kl, "max");
        }

        return new InsightEntry(record.Id, record.DeviceId, record.Signature, Text(root, "diagnosis"), klMean, klMax, Text(root, "outcome"), region);
    }

    // A noise description this gateway cannot read counts as no noise: the median still bounds what it does.
    private static Fleet.Shared.Protocol.InsightNoise? NoiseOf(JsonElement root) =>
        root.TryGetProperty("noise", out var noise) && noise.ValueKind == JsonValueKind.Object && Text(noise, "mechanism") is { } mechanism
            && Number(noise, "scale") is double scale && scale > 0
            ? new Fleet.Shared.Protocol.InsightNoise { Mechanism = mechanism, Scale = scale }
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : null;
}
