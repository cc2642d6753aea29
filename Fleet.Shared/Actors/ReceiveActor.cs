namespace Fleet.Shared.Actors;

/// <summary>An actor whose behaviour is a list of typed handlers registered with <c>Receive</c>.</summary>
/// <remarks>
/// Register handlers in the constructor; the first handler whose type (and predicate) matches a message handles it,
/// in registration order. <see cref="Become"/> replaces the handler list with the one built by its callback.
/// </remarks>
public abstract class ReceiveActor : ActorBase
{
    private Handler[] _handlers = [];
    private List<Handler>? _building;

    /// <summary>Handles messages of type <typeparamref name="T"/> (for which <paramref name="shouldHandle"/> holds).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new TypedHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="shouldHandle"/> holds.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        ArgumentNullException.ThrowIfNull(handler);
        Add(new TypedHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles any message not handled by an earlier registration.</summary>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new TypedHandler<object>(handler, null));
    }

    /// <summary>Replaces the behaviour with the handlers registered by <paramref name="configure"/>.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure), discardOld: true);

    /// <summary>Pushes the handlers registered by <paramref name="configure"/> on the behaviour stack.</summary>
    protected void BecomeStacked(Action configure) => Context.Become(Build(configure), discardOld: false);

    /// <summary>Pops the behaviour pushed by <see cref="BecomeStacked"/>.</summary>
    protected void UnbecomeStacked() => Context.Unbecome();

    /// <inheritdoc />
    protected sealed override void OnReceive(object message) => Dispatch(_handlers, message);

    private Action<object> Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _building = [];
        try
        {
            configure();
            var handlers = _building.ToArray();
            return message => Dispatch(handlers, message);
        }
        finally
        {
            _building = null;
        }
    }

    private void Dispatch(Handler[] handlers, object message)
    {
        foreach (var handler in handlers)
        {
            if (handler.TryHandle(message))
            {
                return;
            }
        }

        Unhandled(message);
    }

    private void Add(Handler handler)
    {
        if (_building is not null)
        {
            _building.Add(handler);
            return;
        }

        var grown = new Handler[_handlers.Length + 1];
        _handlers.CopyTo(grown, 0);
        grown[^1] = handler;
        _handlers = grown;
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class TypedHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed)))
            {
                return false;
            }

            handler(typed);
            return true;
        }
    }
}
