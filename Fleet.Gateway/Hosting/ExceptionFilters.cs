namespace Fleet.Gateway;

/// <summary>Exceptions the gateway never catches: the process is in no state to go on.</summary>
internal static class ExceptionFilters
{
    public static bool IsFatal(this Exception exception) =>
        exception is OutOfMemoryException or InsufficientExecutionStackException or AccessViolationException or StackOverflowException;
}
