namespace Fleet.Shared.Actors.Kernel;

/// <summary>Exceptions an actor must never catch and supervise.</summary>
internal static class FatalExceptions
{
    public static bool IsFatal(this Exception exception) =>
        exception is OutOfMemoryException or InsufficientExecutionStackException or AccessViolationException or StackOverflowException;
}
