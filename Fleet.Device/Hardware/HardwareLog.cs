using Microsoft.Extensions.Logging;

namespace Fleet.Device.Hardware;

/// <summary>Hardware log messages (event ids 6200–6299).</summary>
internal static partial class HardwareLog
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "I²C sensor {Sensor} does not answer ({Reason}); the agent keeps running and reports it absent until it does")]
    public static partial void SensorSilent(ILogger logger, string sensor, string reason);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "I²C sensor {Sensor} answers")]
    public static partial void SensorAnswers(ILogger logger, string sensor);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "status LED on GPIO {Pin} is off: {Reason}; the agent runs without it")]
    public static partial void LedUnavailable(ILogger logger, int pin, string reason);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "status LED on GPIO {Pin}")]
    public static partial void LedOn(ILogger logger, int pin);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "status LED on GPIO {Pin} failed ({Reason}); it stays off from now on")]
    public static partial void LedFailed(ILogger logger, int pin, string reason);
}
