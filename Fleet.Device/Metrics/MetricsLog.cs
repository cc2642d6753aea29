using Microsoft.Extensions.Logging;

namespace Fleet.Device.Metrics;

/// <summary>Metrics endpoint log messages (event ids 6300–6399).</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "Prometheus metrics on http://0.0.0.0:{Port}/metrics")]
    public static partial void Serving(ILogger logger, int port);

    [LoggerMessage(EventId = 6301, Level = LogLevel.Error, Message = "no metrics endpoint on port {Port}: {Reason}; the agent runs without it")]
    public static partial void Unavailable(ILogger logger, int port, string reason);
}
