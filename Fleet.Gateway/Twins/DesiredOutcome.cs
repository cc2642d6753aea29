namespace Fleet.Gateway.Twins;

/// <summary>How a desired-state write ended.</summary>
internal enum DesiredStatus
{
    Written,
    VersionConflict,
    UnknownDevice,
    Quarantined,
}

/// <summary>The outcome of <see cref="SetDesired"/>; <see cref="Version"/> is the stored version afterwards.</summary>
internal sealed record DesiredOutcome(DesiredStatus Status, int Version);
