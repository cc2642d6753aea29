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

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : null;
}
