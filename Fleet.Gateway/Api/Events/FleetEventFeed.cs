using System.Threading.Channels;

namespace Fleet.Gateway.Api.Events;

/// <summary>
/// An in-process broadcaster of <see cref="FleetEvent"/>s: twins and the fleet supervisor publish, each live view
/// subscribes with its own bounded queue.
/// </summary>
/// <remarks>
/// <see cref="Publish"/> never blocks and never allocates per subscriber beyond the queue slot: a full queue drops
/// its oldest event, so a slow browser loses history (it re-reads the snapshot) instead of slowing twins down.
/// </remarks>
internal sealed class FleetEventFeed
{
    public const int DefaultCapacity = 4096;

    private readonly int _capacity;
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];

    public FleetEventFeed(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Live subscriptions.</summary>
    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    /// <summary>Hands the event to every subscriber's queue (dropping that queue's oldest event when it is full).</summary>
    public void Publish(FleetEvent change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(change);
        }
    }

    /// <summary>Starts a subscription; dispose it to stop receiving.</summary>
    public Subscription Subscribe()
    {
        var subscription = new Subscription(this, _capacity);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscription));
        }
    }

    /// <summary>One subscriber's queue.</summary>
    internal sealed class Subscription : IDisposable
    {
        private readonly FleetEventFeed _feed;
        private readonly Channel<FleetEvent> _queue;
        private long _dropped;

        public Subscription(FleetEventFeed feed, int capacity)
        {
            _feed = feed;
            _queue = Channel.CreateBounded<FleetEvent>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        public ChannelReader<FleetEvent> Reader => _queue.Reader;

        /// <summary>Events this subscriber lost because its queue was full.</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        internal void Offer(FleetEvent change) => _queue.Writer.TryWrite(change);

        public void Dispose()
        {
            _feed.Remove(this);
            _queue.Writer.TryComplete();
        }
    }
}
