namespace Fleet.Shared.Protocol;

/// <summary>How a model update ended (<c>update.outcome</c>).</summary>
public enum UpdateOutcome
{
    /// <summary><c>committed</c>: installed and validated.</summary>
    Committed = 1,

    /// <summary><c>rolledBack</c>: installed, failed validation, rolled back.</summary>
    RolledBack,

    /// <summary><c>refused</c>: not installed (hash, signature or version check failed).</summary>
    Refused,
}
