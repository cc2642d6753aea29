namespace Fleet.Gateway.Distillation;

/// <summary>Log messages of distillation (event ids 1650–1699).</summary>
internal static partial class DistillationLog
{
    [LoggerMessage(1650, LogLevel.Information, "Distillation {JobId}: {ModelId} {FromVersion} from teacher {TeacherVersion} into {NewVersion}, started by {Actor}")]
    public static partial void Started(ILogger logger, string jobId, string modelId, string fromVersion, string teacherVersion, string newVersion, string actor);

    [LoggerMessage(1651, LogLevel.Information, "Distillation {JobId} of {ModelId} {NewVersion}: {Outcome}")]
    public static partial void Finished(ILogger logger, string jobId, string modelId, string newVersion, string outcome);
}
