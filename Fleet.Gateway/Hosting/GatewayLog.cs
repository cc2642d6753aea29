namespace Fleet.Gateway;

/// <summary>Gateway log messages; event ids 1000–1999 belong to the gateway.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "Managed Mosquitto listening on {Host}:{Port} (log: {LogFile})")]
    public static partial void ManagedBrokerStarted(ILogger logger, string host, int port, string logFile);

    [LoggerMessage(1001, LogLevel.Information, "Using external broker {Host}:{Port}")]
    public static partial void UsingExternalBroker(ILogger logger, string host, int port);
}
