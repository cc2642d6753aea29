namespace Fleet.Gateway.Insights;

/// <summary>Asks the <see cref="InsightAggregator"/> for the fleet's summary of a model version; answered with an <see cref="InsightSummary"/>.</summary>
internal sealed record GetInsightSummary(string ModelId, string ModelVersion) : IFleetClusterMessage;
