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
}
