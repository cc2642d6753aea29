namespace Fleet.Gateway.Store.Insights;

/// <summary>A stored insight; <see cref="Id"/> grows with every append, so it doubles as a resume point.</summary>
internal sealed record InsightRecord(long Id, string DeviceId, string ModelVersion, string Signature, string PayloadJson, DateTimeOffset Received);
