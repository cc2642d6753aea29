namespace Fleet.Shared.Actors.Kernel;

/// <summary>The reference to a local actor: a thin handle on its cell, stable across restarts.</summary>
internal sealed class LocalActorRef(ActorCell cell) : InternalActorRef(cell.System)
{
    public ActorCell Cell { get; } = cell;

    public override ActorPath Path => Cell.Path;

    public override long Uid => Cell.Uid;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Post(message, sender);
    }

    public override bool Equals(IActorRef? other) =>
        other is LocalActorRef local ? ReferenceEquals(local.Cell, Cell) : base.Equals(other);

    public override int GetHashCode() => Cell.Uid.GetHashCode();
}
