using Fleet.Shared.Actors.Kernel;
using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors;

/// <summary>The base of every actor: one message at a time, state owned by the actor, lifecycle hooks.</summary>
/// <remarks>
/// <para>Instances are created by the kernel through <see cref="Props"/>; constructing one with <c>new</c> outside a
/// Props factory throws. The context, <see cref="Self"/> and <see cref="Sender"/> are usable in the constructor.</para>
/// <para>Lifecycle: constructor → <see cref="PreStart"/> → messages → <see cref="PostStop"/>. A restart calls
/// <see cref="PreRestart"/> on the failed instance (its children have been asked to stop), then creates a new instance
/// and calls <see cref="PostRestart"/> on it. The message that failed is not processed again.</para>
/// </remarks>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Binds the instance to the cell that is creating it.</summary>
    /// <exception cref="InvalidOperationException">Not called from a <see cref="Props"/> factory.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.TakeCellUnderConstruction()
            ?? throw new InvalidOperationException("Actors are created by ActorOf(Props), not with 'new'.");
    }

    /// <summary>The actor's context.</summary>
    protected IActorContext Context => _cell;

    /// <summary>The actor's own reference.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being processed (<see cref="ActorSystem.DeadLetters"/> when none).</summary>
    protected IActorRef Sender => _cell.Sender;

    /// <summary>The actor's stash (allocated on first use).</summary>
    protected IStash Stash => _cell.Stash;

    /// <summary>The actor's timers (allocated on first use).</summary>
    protected ITimerScheduler Timers => _cell.Timers;

    /// <summary>Handles one message. Call <see cref="Unhandled"/> for messages the actor does not understand.</summary>
    protected abstract void OnReceive(object message);

    /// <summary>Runs before the first message (and, via <see cref="PostRestart"/>, after a restart).</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Runs after the actor stopped, after all its children stopped. Exceptions are published, not supervised.</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>Runs on the failed instance before it is replaced. Default: <see cref="PostStop"/>.</summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message whose processing failed, or <see langword="null"/>.</param>
    protected virtual void PreRestart(Exception reason, object? message) => PostStop();

    /// <summary>Runs on the new instance after a restart. Default: <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children when its <see cref="Props"/> set none; default <see cref="SupervisorStrategy.Default"/>.</summary>
    protected virtual SupervisorStrategy GetSupervisorStrategy() => SupervisorStrategy.Default;

    /// <summary>Reports a message the actor does not handle: <see cref="Terminated"/> fails with
    /// <see cref="DeathPactException"/>; anything else is published as an <see cref="UnhandledMessage"/>.</summary>
    protected virtual void Unhandled(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is Terminated terminated)
        {
            throw new DeathPactException($"{Self.Path} did not handle Terminated of {terminated.ActorRef.Path}.");
        }

        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSender, Self));
    }

    internal void InvokeReceive(object message) => OnReceive(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy InvokeGetSupervisorStrategy() => GetSupervisorStrategy();
}
