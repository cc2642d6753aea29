namespace Fleet.Gateway.Store.Twins;

internal enum DesiredWriteStatus
{
    /// <summary>Stored as <c>expectedVersion + 1</c>.</summary>
    Written,

    /// <summary>The stored version is not the expected one; nothing changed.</summary>
    VersionConflict,

    /// <summary>No such device.</summary>
    UnknownDevice,
}
