namespace Fleet.Gateway.Insights;

/// <summary>Log messages of failure-insight aggregation (event ids 1600–1649).</summary>
internal static partial class InsightLog
{
    [LoggerMessage(1600, LogLevel.Warning, "Insight {InsightId} from {DeviceId} not aggregated: {Reason}")]
    public static partial void InsightRejected(ILogger logger, long insightId, string deviceId, string reason);

    [LoggerMessage(1601, LogLevel.Warning, "Reading insights of model version {ModelVersion} failed")]
    public static partial void LoadFailed(ILogger logger, string modelVersion, Exception exception);
}
