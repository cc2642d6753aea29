namespace Fleet.Gateway.Distillation;

/// <summary>Log messages of distillation (event ids 1650–1699).</summary>
internal static partial class DistillationLog
{
    [LoggerMessage(1650, LogLevel.Information, "Distillation {JobId}: {ModelId} {FromVersion} from teacher {TeacherVersion} into {NewVersion}, started by {Actor}")]
    public static partial void Started(ILogger logger, string jobId, string modelId, string fromVersion, string teacherVersion, string newVersion, string actor);

    [LoggerMessage(1651, LogLevel.Information, "Distillation {JobId} of {ModelId} {NewVersion}: {Outcome}")]
    public static partial void Finished(ILogger logger, string jobId, string modelId, string newVersion, string outcome);

    [LoggerMessage(1652, LogLevel.Warning, "Distillation {JobId}: writing the job to the store failed")]
    public static partial void PersistFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(1653, LogLevel.Warning, "{Count} distillation job(s) left running by a gateway node that stopped or died were marked failed (interrupted)")]
    public static partial void Interrupted(ILogger logger, int count);

    [LoggerMessage(1654, LogLevel.Error, "Reading distillation jobs left running by a previous gateway failed; they stay marked running")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);
}
