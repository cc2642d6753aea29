namespace Fleet.Gateway.Twins;

/// <summary>What separates reported from desired state.</summary>
/// <param name="CannotApplyReason">The device's reason for refusing <see cref="PendingVersion"/>, when it did.</param>
internal sealed record TwinDelta(bool InSync, int PendingVersion, long ReportedDesiredVersion, string? DesiredModelVersion, string? ReportedModelVersion, string? CannotApplyReason);
