namespace Fleet.Shared.Actors.Kernel;

/// <summary>A user message in a mailbox: the only allocation per message, and its own queue link.</summary>
internal sealed class Envelope(object message, IActorRef? sender)
{
    /// <summary>Marks a mailbox closed by a stopped actor; never dequeued.</summary>
    public static readonly Envelope Closed = new(new object(), null);

    public readonly object Message = message;

    public readonly IActorRef? Sender = sender;

    public Envelope? Next;
}
