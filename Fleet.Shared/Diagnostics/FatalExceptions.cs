using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Diagnostics;

/// <summary>
/// The one list of exceptions Fleet never catches, supervises, retries or turns into an outcome: after any of them the
/// process is in no state to go on, so every <c>catch (Exception ex) when (!ex.IsFatal())</c> lets them through.
/// </summary>
public static class FatalExceptions
{
    /// <summary>
    /// Whether <paramref name="exception"/> is fatal: out of memory (including <see cref="InsufficientMemoryException"/>),
    /// a stack overflow or a stack too deep to continue (<see cref="InsufficientExecutionStackException"/>), an access
    /// violation, a thread abort, or a program the runtime cannot compile (<see cref="InvalidProgramException"/>).
    /// </summary>
    /// <param name="exception">The exception caught.</param>
    /// <returns>True when the exception must propagate.</returns>
    public static bool IsFatal(this Exception exception) =>
        exception is OutOfMemoryException
            or StackOverflowException
            or InsufficientExecutionStackException
            or AccessViolationException
            or ThreadAbortException
            or InvalidProgramException;
}
