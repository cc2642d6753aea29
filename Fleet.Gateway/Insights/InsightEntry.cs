namespace Fleet.Gateway.Insights;

/// <summary>The parts of a stored insight the aggregator keeps in memory.</summary>
internal sealed record InsightEntry(long Id, string DeviceId, string Signature, string? Diagnosis, double? KlMean, double? KlMax, string? Outcome, RegionSketch? Region);
