namespace Fleet.Shared.Actors.Kernel;

/// <summary>A kernel message with its own queue link.</summary>
internal sealed class SystemMessage(SystemMessageKind kind, ActorCell? cell = null, Exception? cause = null)
{
    /// <summary>Marks the system queue of a stopped actor.</summary>
    public static readonly SystemMessage Closed = new(SystemMessageKind.Terminate);

    public readonly SystemMessageKind Kind = kind;

    public readonly ActorCell? Cell = cell;

    public readonly Exception? Cause = cause;

    public SystemMessage? Next;
}
