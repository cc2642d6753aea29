namespace Fleet.Shared.Actors.Kernel;

/// <summary>Kernel messages, processed before any user message.</summary>
internal enum SystemMessageKind
{
    /// <summary>Stop (children first, then PostStop).</summary>
    Terminate,

    /// <summary><c>Cell</c> wants Terminated when the recipient stops.</summary>
    Watch,

    /// <summary><c>Cell</c> no longer watches the recipient.</summary>
    Unwatch,

    /// <summary><c>Cell</c>, which the recipient watches, has stopped.</summary>
    DeathWatchNotification,

    /// <summary>Child <c>Cell</c> failed with <c>Cause</c>; the recipient supervises it.</summary>
    Failed,

    /// <summary>The supervisor decided Restart after <c>Cause</c>.</summary>
    Recreate,

    /// <summary>The supervisor decided Resume.</summary>
    Resume,

    /// <summary>Child <c>Cell</c> has stopped.</summary>
    ChildTerminated,
}
