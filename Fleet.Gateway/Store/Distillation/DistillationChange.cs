namespace Fleet.Gateway.Store.Distillation;

/// <summary>The new state of a running job (JSON parts are stored verbatim).</summary>
/// <param name="InsightIdsJson">A JSON array of the insight ids whose sketches the job learned from.</param>
internal sealed record DistillationChange(
    DistillationState State,
    string ProgressJson,
    string InsightIdsJson,
    string? MetricsJson = null,
    string? Error = null);
