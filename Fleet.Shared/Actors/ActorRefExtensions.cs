using Fleet.Shared.Actors.Kernel;

namespace Fleet.Shared.Actors;

/// <summary>Tell with an implicit sender, Forward, Ask and PipeTo.</summary>
public static class ActorRefExtensions
{
    /// <summary>Sends with the current actor as sender (no sender outside an actor).</summary>
    public static void Tell(this IActorRef recipient, object message)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        recipient.Tell(message, ActorCell.Running?.Self);
    }

    /// <summary>Sends keeping the sender of the message the current actor is processing.</summary>
    public static void Forward(this IActorRef recipient, object message)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        recipient.Tell(message, ActorCell.Running?.CurrentSender);
    }

    /// <summary>Sends <paramref name="message"/> from a temporary reference and awaits the first reply,
    /// using <see cref="ActorSystemOptions.DefaultAskTimeout"/>.</summary>
    public static Task<T> Ask<T>(this IActorRef recipient, object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return recipient.Ask<T>(message, SystemOf(recipient).Options.DefaultAskTimeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="message"/> from a temporary reference and awaits the first reply.</summary>
    /// <remarks>
    /// A <see cref="Status.Failure"/> reply throws its cause; a reply of another type throws
    /// <see cref="InvalidCastException"/>; no reply within <paramref name="timeout"/> (measured on the system's
    /// <see cref="TimeProvider"/>) throws <see cref="AskTimeoutException"/>; cancellation throws
    /// <see cref="OperationCanceledException"/>. Later replies become dead letters.
    /// </remarks>
    public static Task<T> Ask<T>(this IActorRef recipient, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var promise = new PromiseActorRef<T>(SystemOf(recipient), recipient, timeout);
        var task = promise.Start(cancellationToken);
        if (!task.IsCompleted)
        {
            recipient.Tell(message, promise);
        }

        return task;
    }

    /// <summary>Sends the task's result to <paramref name="recipient"/> when it completes, or a
    /// <see cref="Status.Failure"/> when it fails or is cancelled. The way to use async APIs from an actor.</summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            static (completed, state) =>
            {
                var (target, from) = ((IActorRef, IActorRef?))state!;
                object reply = completed.IsCompletedSuccessfully
                    ? completed.Result!
                    : new Status.Failure(completed.Exception?.GetBaseException() ?? new OperationCanceledException());
                target.Tell(reply, from);
            },
            (recipient, sender),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static ActorSystem SystemOf(IActorRef recipient) => recipient is InternalActorRef internalRef
        ? internalRef.System
        : throw new ArgumentException("Ask needs a reference created by an ActorSystem.", nameof(recipient));
}
