namespace Fleet.Gateway.Insights;

/// <summary>How insights of one model version are combined; validated on bind.</summary>
internal sealed record InsightAggregationPolicy
{
    /// <summary>
    /// Share of devices trimmed from each end, per coordinate, before averaging spreads (0 … 0.45). With 0.2, up to 20 % of the
    /// devices can report anything at all without moving the result beyond the range of the honest ones.
    /// </summary>
    public double TrimFraction { get; init; } = 0.2;

    /// <summary>Insights kept per model version (the oldest are forgotten first).</summary>
    public int MaxInsightsPerVersion { get; init; } = 50_000;

    /// <summary>Signatures listed in a summary, most frequent first.</summary>
    public int MaxSignatures { get; init; } = 20;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (TrimFraction is < 0 or > 0.45 || double.IsNaN(TrimFraction))
        {
            problems.Add("Fleet:Insights:TrimFraction must be within 0 … 0.45.");
        }

        if (MaxInsightsPerVersion <= 0)
        {
            problems.Add("Fleet:Insights:MaxInsightsPerVersion must be positive.");
        }

        if (MaxSignatures <= 0)
        {
            problems.Add("Fleet:Insights:MaxSignatures must be positive.");
        }

        return problems;
    }
}
