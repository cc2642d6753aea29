namespace Fleet.Shared.Actors;

/// <summary>System-wide publish/subscribe of events by type (dead letters, unhandled messages, errors, your own).</summary>
/// <remarks>
/// A subscriber receives every published event assignable to a type it subscribed to, once per matching
/// subscription. Subscriptions of an actor are removed when it stops. Publishing takes no lock.
/// </remarks>
public sealed class EventStream
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Subscribes <paramref name="subscriber"/> to events assignable to <paramref name="channel"/>.</summary>
    /// <returns><see langword="false"/> when it was already subscribed to that type.</returns>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            var current = _subscriptions;
            if (Array.IndexOf(current, new Subscription(subscriber, channel)) >= 0)
            {
                return false;
            }

            _subscriptions = [.. current, new Subscription(subscriber, channel)];
            return true;
        }
    }

    /// <summary>Removes the subscription of <paramref name="subscriber"/> to <paramref name="channel"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        return RemoveWhere(s => s.Subscriber.Equals(subscriber) && s.Channel == channel);
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return RemoveWhere(s => s.Subscriber.Equals(subscriber));
    }

    /// <summary>Delivers <paramref name="event"/> to every matching subscriber, with no sender.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Channel.IsAssignableFrom(type))
            {
                subscription.Subscriber.Tell(@event, null);
            }
        }
    }

    internal bool HasSubscribers => Volatile.Read(ref _subscriptions).Length > 0;

    private bool RemoveWhere(Func<Subscription, bool> match)
    {
        if (!Volatile.Read(ref _subscriptions).Any(match))
        {
            return false;
        }

        lock (_gate)
        {
            var kept = _subscriptions.Where(s => !match(s)).ToArray();
            var removed = kept.Length != _subscriptions.Length;
            _subscriptions = kept;
            return removed;
        }
    }

    private readonly record struct Subscription(IActorRef Subscriber, Type Channel);
}
