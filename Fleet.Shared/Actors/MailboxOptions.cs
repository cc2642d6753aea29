namespace Fleet.Shared.Actors;

/// <summary>Mailbox of an actor: unbounded (default, lock-free) or bounded with an overflow policy.</summary>
/// <remarks>
/// The unbounded mailbox takes no lock per message. A bounded mailbox takes a short lock per enqueue and dequeue
/// so that <see cref="MailboxOverflow.DropOldest"/> can remove the oldest message atomically. Every overflow is
/// counted in <see cref="ActorSystemMetrics"/> and published as a <see cref="DeadLetter"/>.
/// </remarks>
public sealed record MailboxOptions
{
    private MailboxOptions(int? capacity, MailboxOverflow overflow)
    {
        Capacity = capacity;
        Overflow = overflow;
    }

    /// <summary>The default: no capacity limit.</summary>
    public static MailboxOptions Unbounded { get; } = new(null, MailboxOverflow.RejectToDeadLetters);

    /// <summary>Most queued user messages, or <see langword="null"/> when unbounded.</summary>
    public int? Capacity { get; }

    /// <summary>What happens when a message arrives at a full mailbox.</summary>
    public MailboxOverflow Overflow { get; }

    /// <summary>A mailbox holding at most <paramref name="capacity"/> user messages.</summary>
    public static MailboxOptions Bounded(int capacity, MailboxOverflow overflow = MailboxOverflow.RejectToDeadLetters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new MailboxOptions(capacity, overflow);
    }
}
