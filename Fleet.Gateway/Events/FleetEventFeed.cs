using System.Threading.Channels;

namespace Fleet.Gateway.Events;

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

    /// <summary>
    /// Hands the event to the queue of every subscriber it is for (dropping that queue's oldest event when it is full):
    /// fleet-wide events to fleet subscriptions, a device's events to the subscriptions watching that device.
    /// </summary>
    public void Publish(FleetEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var device = change.WatchedDevice;
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (string.Equals(subscriber.Device, device, StringComparison.Ordinal))
            {
                subscriber.Offer(change);
            }
        }
    }

    /// <summary>Whether any subscription watches <paramref name="deviceId"/> (so a twin need not build events nobody reads).</summary>
    public bool Watches(string deviceId)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (string.Equals(subscriber.Device, deviceId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts a subscription to fleet-wide events, or with <paramref name="device"/> to that device's events only; dispose it to stop receiving.</summary>
    public Subscription Subscribe(string? device = null)
    {
        var subscription = new Subscription(this, _capacity, device);
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

        public Subscription(FleetEventFeed feed, int capacity, string? device = null)
        {
            _feed = feed;
            Device = device;
            _queue = Channel.CreateBounded<FleetEvent>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        public ChannelReader<FleetEvent> Reader => _queue.Reader;

        /// <summary>The device this subscription watches, or null for fleet-wide events.</summary>
        public string? Device { get; }

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
