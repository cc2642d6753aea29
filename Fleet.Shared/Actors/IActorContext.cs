namespace Fleet.Shared.Actors;

/// <summary>An actor's view of itself and the kernel; valid only on the actor's own turn.</summary>
public interface IActorContext
{
    /// <summary>The actor's own reference.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed, or <see cref="ActorSystem.DeadLetters"/> when there is none.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervisor (for a top-level actor, the user guardian).</summary>
    IActorRef Parent { get; }

    /// <summary>A snapshot of the live children.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>The system the actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>The receive timeout in effect, if any.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>The actor's timers (allocated on first use).</summary>
    ITimerScheduler Timers { get; }

    /// <summary>The live child named <paramref name="name"/>, if any.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child supervised by this actor.</summary>
    /// <param name="props">How to create it.</param>
    /// <param name="name">Unique among live siblings; must not start with '$' or contain '/'. <see langword="null"/> generates one.</param>
    /// <exception cref="InvalidActorNameException">The name is malformed or taken.</exception>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops <paramref name="actor"/> (a child or this actor) after the message being processed.</summary>
    /// <remarks>Its children stop first; queued messages become dead letters.</remarks>
    void Stop(IActorRef actor);

    /// <summary>Asks to receive <see cref="Terminated"/> when <paramref name="subject"/> stops; at once if it already has.</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Stops watching <paramref name="subject"/>; a <see cref="Terminated"/> not yet processed is discarded.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Handles the following messages with <paramref name="behavior"/>.</summary>
    /// <param name="behavior">The new behaviour.</param>
    /// <param name="discardOld">Replace the current behaviour (true) or push onto the behaviour stack (false).</param>
    void Become(Action<object> behavior, bool discardOld = true);

    /// <summary>Returns to the previous behaviour on the stack (the actor's <c>OnReceive</c> at the bottom).</summary>
    void Unbecome();

    /// <summary>Delivers <see cref="Actors.ReceiveTimeout"/> after <paramref name="timeout"/> without messages; <see langword="null"/> clears it.</summary>
    /// <remarks>Messages implementing <see cref="INotInfluenceReceiveTimeout"/> do not count as activity.</remarks>
    void SetReceiveTimeout(TimeSpan? timeout);
}
