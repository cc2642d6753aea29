namespace Fleet.Gateway.Store.Distillation;

/// <summary>Where a distillation job is; <see cref="Succeeded"/> and <see cref="Failed"/> are final.</summary>
internal enum DistillationState
{
    Running,
    Succeeded,
    Failed,
}
