using Microsoft.Extensions.Logging;

namespace Fleet.Device.Uplink;

/// <summary>Uplink log messages (event ids 6100–6199).</summary>
internal static partial class UplinkLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "{DeviceId}: the broker refused the connection ({Code})")]
    public static partial void Refused(ILogger logger, string deviceId, string code);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "{DeviceId}: delivery interrupted; events stay queued on disk")]
    public static partial void DeliveryFailed(ILogger logger, string deviceId, Exception exception);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "{DeviceId}: could not say goodbye to the broker")]
    public static partial void ShutdownIncomplete(ILogger logger, string deviceId, Exception exception);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Debug, Message = "{DeviceId}: could not connect to the broker")]
    public static partial void ConnectFailed(ILogger logger, string deviceId, Exception exception);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "{DeviceId}: the broker had no subscriber for {Topic}; the event stays queued and is retried")]
    public static partial void NoSubscribers(ILogger logger, string deviceId, string topic);
}
