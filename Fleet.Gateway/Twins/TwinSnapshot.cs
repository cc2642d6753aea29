namespace Fleet.Gateway.Twins;

/// <summary>A twin's view at one moment, for the API: both sides, the delta, presence and rolling health.</summary>
internal sealed record TwinSnapshot(
    string DeviceId,
    int Shard,
    bool Registered,
    bool Online,
    DateTimeOffset? LastSeen,
    bool Quarantined,
    string? QuarantineReason,
    int DesiredVersion,
    string? DesiredJson,
    string? ReportedJson,
    TwinDelta Delta,
    TwinHealth Health,
    string? LastUpdateJson,
    string? LastValidationJson,
    ModelSupervisorState? Supervision);

/// <summary>What separates reported from desired state.</summary>
/// <param name="CannotApplyReason">The device's reason for refusing <see cref="PendingVersion"/>, when it did.</param>
internal sealed record TwinDelta(bool InSync, int PendingVersion, long ReportedDesiredVersion, string? DesiredModelVersion, string? ReportedModelVersion, string? CannotApplyReason);

/// <summary>Rolling health from telemetry: last values and exponentially weighted means.</summary>
internal sealed record TwinHealth(string? Health, double? Kl, double? KlMean, double? KlThreshold, double? LatencyP99Us, double? LatencyP99UsMean, long? Heals, long TelemetryCount);

/// <summary>What the model supervisor has done about the device's model.</summary>
internal sealed record ModelSupervisorState(int FailuresInWindow, IReadOnlyList<string> ActionsTaken, bool Escalated);
