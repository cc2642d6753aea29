namespace Fleet.Gateway.Twins;

/// <summary>How a desired-state write ended.</summary>
internal enum DesiredStatus
{
    Written,
    VersionConflict,
    UnknownDevice,
    Quarantined,
}
