namespace Fleet.Shared.Actors.Supervision;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the actor instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance with a fresh one (its children are stopped first); counts against the restart budget.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception, letting its own supervisor decide.</summary>
    Escalate,
}
