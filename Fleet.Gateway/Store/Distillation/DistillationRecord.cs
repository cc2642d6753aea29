namespace Fleet.Gateway.Store.Distillation;

/// <summary>A stored distillation job; <see cref="Finished"/> is set once it reached a final state.</summary>
internal sealed record DistillationRecord(
    string Id,
    string ModelId,
    string FromVersion,
    string TeacherVersion,
    string NewVersion,
    string StartedBy,
    DistillationState State,
    string ProgressJson,
    string InsightIdsJson,
    string? MetricsJson,
    string? Error,
    DateTimeOffset Started,
    DateTimeOffset Updated,
    DateTimeOffset? Finished);
