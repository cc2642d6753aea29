namespace Fleet.Shared.Actors.Supervision;

/// <summary>Escalated by a supervisor whose child needed more restarts than its budget allows.</summary>
/// <remarks>The inner exception is the child's last failure. The supervisor has already stopped the child(ren).</remarks>
public sealed class RestartBudgetExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RestartBudgetExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RestartBudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the child's last failure.</summary>
    public RestartBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
