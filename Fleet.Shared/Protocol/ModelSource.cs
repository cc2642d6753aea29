namespace Fleet.Shared.Protocol;

/// <summary>Where the running model came from (<c>report.model.source</c>).</summary>
public enum ModelSource
{
    /// <summary><c>active</c>: the installed version.</summary>
    Active = 1,

    /// <summary><c>knownGood</c>: the last known-good version after a rollback.</summary>
    KnownGood,

    /// <summary><c>safety</c>: the small safety model.</summary>
    Safety,

    /// <summary><c>factory</c>: the factory default.</summary>
    Factory,
}
