namespace Fleet.Shared.Actors;

/// <summary>What a bounded mailbox does with a message that arrives when it is full.</summary>
public enum MailboxOverflow
{
    /// <summary>The new message goes to dead letters (<see cref="DeadLetterReason.MailboxFull"/>).</summary>
    RejectToDeadLetters,

    /// <summary>The oldest queued message goes to dead letters (<see cref="DeadLetterReason.DroppedOldest"/>) and the new one is queued.</summary>
    DropOldest,
}
