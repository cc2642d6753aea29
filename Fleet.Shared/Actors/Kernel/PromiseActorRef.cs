using System.Globalization;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>The temporary reference behind an Ask: completes its task with the first reply, a timeout or a cancellation.</summary>
internal sealed class PromiseActorRef<T> : InternalActorRef
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IActorRef _target;
    private readonly TimeSpan _timeout;
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;
    private ActorPath? _path;

    public PromiseActorRef(ActorSystem system, IActorRef target, TimeSpan timeout)
        : base(system)
    {
        _target = target;
        _timeout = timeout;
        Uid = system.NextUid();
    }

    public override ActorPath Path => _path ??= System.TempPath.Child("$" + Uid.ToString(CultureInfo.InvariantCulture), Uid);

    public override long Uid { get; }

    public Task<T> Start(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
            return _completion.Task;
        }

        _timer = System.TimeProvider.CreateTimer(static state => ((PromiseActorRef<T>)state!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((PromiseActorRef<T>)state!).OnCancel(token), this);
        }

        if (_completion.Task.IsCompleted)
        {
            Release();
        }

        return _completion.Task;
    }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = message switch
        {
            T reply => _completion.TrySetResult(reply),
            Status.Failure failure => _completion.TrySetException(failure.Cause),
            _ => _completion.TrySetException(new InvalidCastException(
                $"Ask of {_target.Path} expected a {typeof(T).Name} reply but got a {message.GetType().Name}.")),
        };
        if (completed)
        {
            Release();
        }
        else
        {
            System.PublishDeadLetter(new DeadLetter(message, sender, this, DeadLetterReason.RecipientTerminated));
        }
    }

    private void OnTimeout()
    {
        if (_completion.TrySetException(new AskTimeoutException($"Ask of {_target.Path} got no reply within {_timeout}.")))
        {
            Release();
        }
    }

    private void OnCancel(CancellationToken token)
    {
        if (_completion.TrySetCanceled(token))
        {
            Release();
        }
    }

    private void Release()
    {
        _timer?.Dispose();
        _registration.Unregister();
    }
}
