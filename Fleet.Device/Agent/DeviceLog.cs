using Microsoft.Extensions.Logging;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Device agent log messages (event ids 6000–6099).</summary>
internal static partial class DeviceLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{DeviceId}: serving {Model} ({Source})")]
    public static partial void ModelStarted(ILogger logger, string deviceId, string model, string source);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{DeviceId}: heal {HealId} {Diagnosis} by {Trigger}: {Outcome} [{Rungs}]")]
    public static partial void Healed(ILogger logger, string deviceId, string healId, string diagnosis, string trigger, string outcome, string rungs);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{DeviceId}: fault {Fault}: {What}")]
    public static partial void FaultInjected(ILogger logger, string deviceId, string fault, string what);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "{DeviceId}: update to desired version {DesiredVersion}: {Outcome} {Reason}")]
    public static partial void Update(ILogger logger, string deviceId, long desiredVersion, string outcome, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "{DeviceId}: ignored a message on {Topic}: {Reason}")]
    public static partial void Ignored(ILogger logger, string deviceId, string topic, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "{DeviceId}: model side restarted after a crash ({Reason}); serving {Model}")]
    public static partial void Restarted(ILogger logger, string deviceId, string reason, string model);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "{DeviceId}: insight {Signature}: {Outcome}")]
    public static partial void Insight(ILogger logger, string deviceId, string signature, string outcome);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Critical, Message = "{DeviceId}: the model side crashed more than {MaxRestarts} times within {Within}; the agent stops (systemd restarts the process)")]
    public static partial void ModelGaveUp(ILogger logger, string deviceId, int maxRestarts, TimeSpan within);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Error, Message = "{DeviceId}: an event could not be queued on disk")]
    public static partial void EventNotQueued(ILogger logger, string deviceId, Exception exception);
}
