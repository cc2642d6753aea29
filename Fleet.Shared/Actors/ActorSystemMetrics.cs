namespace Fleet.Shared.Actors;

/// <summary>Counters of an <see cref="ActorSystem"/> since it started.</summary>
/// <param name="LiveActors">Actors created and not yet stopped (including the user guardian).</param>
/// <param name="DeadLetters">Messages that could not be delivered, all reasons together.</param>
/// <param name="MailboxRejected">Messages rejected by full bounded mailboxes.</param>
/// <param name="MailboxDroppedOldest">Messages dropped from full bounded mailboxes to make room.</param>
public sealed record ActorSystemMetrics(long LiveActors, long DeadLetters, long MailboxRejected, long MailboxDroppedOldest);
