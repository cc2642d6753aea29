namespace Fleet.Gateway.Rollouts;

/// <summary>Log messages of rollouts (event ids 1700–1749).</summary>
internal static partial class RolloutLog
{
    [LoggerMessage(1700, LogLevel.Information, "Rollout {RolloutId}: {ModelId} {FromVersion} → {Version} on {Devices} device(s) in {Waves} wave(s), started by {Actor}")]
    public static partial void Started(ILogger logger, string rolloutId, string modelId, string fromVersion, string version, int devices, int waves, string actor);

    [LoggerMessage(1701, LogLevel.Information, "Rollout {RolloutId}: wave {Wave} passed its gates")]
    public static partial void WavePassed(ILogger logger, string rolloutId, int wave);

    [LoggerMessage(1702, LogLevel.Warning, "Rollout {RolloutId}: {State} at wave {Wave}: {Reason}")]
    public static partial void Stopped(ILogger logger, string rolloutId, string state, int wave, string reason);

    [LoggerMessage(1703, LogLevel.Information, "Rollout {RolloutId}: {State}")]
    public static partial void Changed(ILogger logger, string rolloutId, string state);

    [LoggerMessage(1704, LogLevel.Information, "Rollout manager resumed {Count} rollout(s) from the store")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(1705, LogLevel.Error, "Rollout {RolloutId}: a step failed; retrying on the next tick")]
    public static partial void StepFailed(ILogger logger, string rolloutId, Exception exception);

    [LoggerMessage(1706, LogLevel.Error, "Rollout manager could not read its rollouts from the store; retrying")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1707, LogLevel.Warning, "Rollout {RolloutId}: device {DeviceId} {Outcome}")]
    public static partial void DeviceFailed(ILogger logger, string rolloutId, string deviceId, string outcome);
}
