namespace Fleet.Shared.Actors;

/// <summary>An immutable, thread-safe handle to an actor incarnation.</summary>
/// <remarks>
/// Two references are equal when they name the same path and the same incarnation (<see cref="ActorPath.Uid"/>):
/// a restarted actor keeps its reference, a stopped and re-created one with the same name does not.
/// Messages to a stopped actor go to <see cref="ActorSystem.DeadLetters"/>.
/// </remarks>
public interface IActorRef : IEquatable<IActorRef>
{
    /// <summary>Where the actor lives in the hierarchy, with its incarnation uid.</summary>
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/>; never blocks, never throws for a dead recipient.</summary>
    /// <param name="message">Any object; treat it as immutable once sent.</param>
    /// <param name="sender">Who replies go to; <see langword="null"/> means no sender (replies become dead letters).</param>
    void Tell(object message, IActorRef? sender);
}
