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
    ModelSupervisorState? Supervision) : IFleetClusterMessage;
