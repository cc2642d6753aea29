namespace Fleet.Gateway.Store.Distillation;

/// <summary>A job to record; it starts <see cref="DistillationState.Running"/> with no insights, metrics or error.</summary>
/// <param name="ProgressJson">The job's progress as a JSON object (stage, epoch, epochs, loss).</param>
internal sealed record NewDistillation(
    string Id,
    string ModelId,
    string FromVersion,
    string TeacherVersion,
    string NewVersion,
    string StartedBy,
    string ProgressJson);
