namespace Fleet.Gateway.Store.Insights;

/// <summary>Failure insights feeding aggregation and distillation.</summary>
internal interface IInsightStore
{
    Task<InsightRecord> AppendAsync(NewInsight insight, CancellationToken cancellationToken);

    /// <summary>Insights on a model version with an id above <paramref name="afterId"/>, in append order.</summary>
    /// <remarks>Ids become visible in order, so a reader that resumes after the last id it saw misses nothing.</remarks>
    Task<IReadOnlyList<InsightRecord>> ListByModelVersionAsync(string modelVersion, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>How many insights a model version has, per signature.</summary>
    Task<IReadOnlyDictionary<string, int>> CountBySignatureAsync(string modelVersion, CancellationToken cancellationToken);
}
