namespace Fleet.Shared.Actors.Kernel;

/// <summary>Base of the kernel's references: equality by path and uid, and access to the owning system.</summary>
internal abstract class InternalActorRef(ActorSystem system) : IActorRef
{
    public ActorSystem System { get; } = system;

    public abstract ActorPath Path { get; }

    public abstract long Uid { get; }

    public abstract void Tell(object message, IActorRef? sender);

    public virtual bool Equals(IActorRef? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null)
        {
            return false;
        }

        var otherUid = other is InternalActorRef internalRef ? internalRef.Uid : other.Path.Uid;
        return otherUid == Uid && Path.Equals(other.Path);
    }

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => Uid.GetHashCode();

    public override string ToString() => $"{Path}#{Uid}";
}
