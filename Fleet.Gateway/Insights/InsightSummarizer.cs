namespace Fleet.Gateway.Insights;

/// <summary>Turns the insights of one model version into an <see cref="InsightSummary"/>. Pure; no I/O.</summary>
internal static class InsightSummarizer
{
    public static InsightSummary Summarize(string modelId, string modelVersion, InsightState state, InsightAggregationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var entries = state.Entries.Where(e => BelongsTo(e.Signature, modelId)).ToList();
        var signatures = entries
            .GroupBy(e => e.Signature, StringComparer.Ordinal)
            .Select(g => new SignatureRank(
                g.Key,
                g.Select(e => e.Diagnosis).LastOrDefault(d => d is not null),
                g.Count(),
                g.Select(e => e.DeviceId).Distinct(StringComparer.Ordinal).Count(),
                MedianOf(g.Select(e => e.KlMean)),
                MedianOf(g.Select(e => e.KlMax)),
                g.Where(e => e.Outcome is not null).GroupBy(e => e.Outcome!, StringComparer.Ordinal).ToDictionary(o => o.Key, o => o.Count(), StringComparer.Ordinal)))
            .OrderByDescending(s => s.Devices)
            .ThenByDescending(s => s.Insights)
            .ThenBy(s => s.Signature, StringComparer.Ordinal)
            .Take(policy.MaxSignatures)
            .ToList();

        // One vote per device, its latest sketch: a device that floods the gateway with insights still counts once.
        var latest = entries
            .Where(e => e.Region is not null)
            .GroupBy(e => e.DeviceId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.Id)!)
            .OrderBy(e => e.Id)
            .ToList();
        var region = RobustAggregation.Aggregate(latest.Select(e => e.Region!).ToList(), policy.TrimFraction);
        return new InsightSummary(
            modelId,
            modelVersion,
            entries.Count,
            entries.Select(e => e.DeviceId).Distinct(StringComparer.Ordinal).Count(),
            state.LastId,
            signatures,
            region,
            latest.Select(e => e.Id).ToList(),
            state.Rejected);
    }

    // fleet-device signs failures as {modelId}/{modelVersion}/{diagnosis}; other shapes cannot be attributed and count for every id.
    private static bool BelongsTo(string signature, string modelId) =>
        signature.Split('/') is not [var id, _, _] || string.Equals(id, modelId, StringComparison.Ordinal);

    private static double? MedianOf(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return known.Length == 0 ? null : RobustAggregation.Median(known);
    }
}
