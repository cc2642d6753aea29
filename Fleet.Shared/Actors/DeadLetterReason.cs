namespace Fleet.Shared.Actors;

/// <summary>Why a message became a dead letter.</summary>
public enum DeadLetterReason
{
    /// <summary>Sent to <see cref="ActorSystem.DeadLetters"/> directly (e.g. a reply to no sender).</summary>
    NoRecipient,

    /// <summary>The recipient had stopped, or stopped with the message still queued.</summary>
    RecipientTerminated,

    /// <summary>A bounded mailbox was full and its policy rejects new messages.</summary>
    MailboxFull,

    /// <summary>A bounded mailbox was full and dropped this, its oldest message, to make room.</summary>
    DroppedOldest,
}
