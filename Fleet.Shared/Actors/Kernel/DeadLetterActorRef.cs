namespace Fleet.Shared.Actors.Kernel;

/// <summary>Where undeliverable messages go: counted and published as <see cref="DeadLetter"/>.</summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : InternalActorRef(system)
{
    public override ActorPath Path { get; } = path;

    public override long Uid => 0;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter letter)
        {
            System.PublishDeadLetter(letter);
            return;
        }

        System.PublishDeadLetter(new DeadLetter(message, sender, this, DeadLetterReason.NoRecipient));
    }
}
