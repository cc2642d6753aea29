namespace Fleet.Shared.Actors.Kernel;

/// <summary>Lifecycle state of a cell; read and written only on the actor's own turn.</summary>
[Flags]
internal enum CellFlags
{
    None = 0,

    /// <summary>The first turn has run (the instance was created or creation failed).</summary>
    Created = 1,

    /// <summary>User messages wait: a failure awaits the supervisor's decision, or a restart is in progress.</summary>
    Suspended = 2,

    /// <summary>Stopping: waiting for children, then PostStop.</summary>
    Terminating = 4,

    /// <summary>Stopped; mailboxes closed.</summary>
    Terminated = 8,

    /// <summary>Restarting: waiting for the children of the failed instance to stop.</summary>
    Restarting = 16,

    /// <summary>This actor escalated a child's failure; resuming it resumes its children.</summary>
    Escalated = 32,
}
