namespace Fleet.Device.Storage;

/// <summary>The named pointers of the weight store, each naming one version.</summary>
internal enum StorePointer
{
    /// <summary>The version the agent runs.</summary>
    Active = 1,

    /// <summary>The last version that passed validation in service; the rollback target.</summary>
    KnownGood,

    /// <summary>The version shipped with the device; set once, never overwritten.</summary>
    Factory,

    /// <summary>The small safety model the agent falls back to before the factory default.</summary>
    Safety,
}
