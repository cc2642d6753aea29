namespace Fleet.Device.Hosting;

/// <summary>Exceptions the agent never catches.</summary>
internal static class Fatal
{
    public static bool IsFatal(this Exception exception) =>
        exception is OutOfMemoryException or InsufficientExecutionStackException or AccessViolationException or StackOverflowException;
}
