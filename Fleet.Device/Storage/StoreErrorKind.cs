namespace Fleet.Device.Storage;

/// <summary>Why a weight-store operation did not succeed.</summary>
internal enum StoreErrorKind
{
    /// <summary>No such artifact, version or pointer.</summary>
    NotFound = 1,

    /// <summary>Stored bytes do not hash to their name, or a manifest or pointer does not parse.</summary>
    Corrupt,

    /// <summary>The factory default is set once and never overwritten or removed.</summary>
    FactoryDefaultProtected,

    /// <summary>A version name or hash that breaks the naming rule.</summary>
    InvalidName,

    /// <summary>A version still referenced by a pointer cannot be removed.</summary>
    InUse,

    /// <summary>The version already exists with different content.</summary>
    Conflict,
}
