namespace Fleet.Shared.Actors.Sharding;

/// <summary>Where an entity is in its life, as the region sees it.</summary>
internal enum EntityStatus
{
    /// <summary>Waiting for the remember-entities store to record it; messages are buffered.</summary>
    Starting,

    /// <summary>Running; messages are forwarded.</summary>
    Active,

    /// <summary>Told to stop; messages are buffered until it has stopped, then it is re-created if any arrived.</summary>
    Passivating,
}
