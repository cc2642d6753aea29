using System.Threading.Channels;
using Akka.Actor;

namespace Fleet.Gateway.Events;

/// <summary>
/// A node's broadcaster of <see cref="FleetEvent"/>s: twins, the fleet supervisor and the rollout manager publish,
/// each live view subscribes with its own bounded queue. Events other nodes' views want are forwarded to them, and
/// theirs arrive through <see cref="Deliver"/> (<see cref="FleetEventBridge"/>).
/// </summary>
/// <remarks>
/// <see cref="Publish"/> never blocks and never allocates per subscriber beyond the queue slot: a full queue drops
/// its oldest event, so a slow browser loses history (it re-reads the snapshot) instead of slowing twins down. An
/// event goes to a local subscriber once (directly) and to each other node at most once (a <c>Tell</c> to its bridge,
/// only when that node declared it wants it), and an event from another node is never forwarded again.
/// </remarks>
internal sealed class FleetEventFeed
{
    public const int DefaultCapacity = 4096;

    private readonly int _capacity;
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];
    private RemoteListeners _remote = RemoteListeners.None;
    private long _forwarded;
    private long _interestVersion;

    public FleetEventFeed(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Live subscriptions on this node.</summary>
    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    /// <summary>Whether a fleet-wide view is open on this node or another (so a twin need not build summaries nobody reads).</summary>
    public bool HasFleetListeners => Volatile.Read(ref _remote).FleetWide || Array.Exists(Volatile.Read(ref _subscribers), s => s.Device is null);

    /// <summary>Events handed to other nodes (one per node that wanted the event).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Called (on the subscribing or disposing thread) whenever a subscription starts or ends; the bridge re-reads <see cref="LocalInterest"/>.</summary>
    internal Action? InterestChanged { get; set; }

    /// <summary>
    /// Hands the event to the queue of every local subscriber it is for (dropping that queue's oldest event when it is
    /// full) — fleet-wide events to fleet subscriptions, a device's events to the subscriptions watching that device —
    /// and to the bridge of every other node whose views want it.
    /// </summary>
    public void Publish(FleetEvent change)
    {
        Deliver(change);
        foreach (var node in Volatile.Read(ref _remote).Nodes)
        {
            if (node.Wants(change))
            {
                node.Bridge.Tell(change, ActorRefs.NoSender);
                Interlocked.Increment(ref _forwarded);
            }
        }
    }

    /// <summary>Hands the event to this node's subscribers only (an event another node forwarded here).</summary>
    internal void Deliver(FleetEvent change)
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

    /// <summary>
    /// Whether any subscription on this node or another watches <paramref name="deviceId"/> (so a twin need not build
    /// events nobody reads).
    /// </summary>
    public bool Watches(string deviceId)
    {
        if (Volatile.Read(ref _remote).Devices.Contains(deviceId))
        {
            return true;
        }

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

        InterestChanged?.Invoke();
        return subscription;
    }

    /// <summary>What this node's views want: any fleet-wide view, and the devices watched (ordered).</summary>
    internal (bool FleetWide, string[] Devices) LocalInterest()
    {
        var subscribers = Volatile.Read(ref _subscribers);
        var devices = subscribers.Select(s => s.Device).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return (Array.Exists(subscribers, s => s.Device is null), devices);
    }

    /// <summary>The next version of this node's interest (kept here, so a restarted bridge continues the sequence).</summary>
    internal long NextInterestVersion() => Interlocked.Increment(ref _interestVersion);

    /// <summary>What the other nodes want, as last heard.</summary>
    internal RemoteListeners Remote => Volatile.Read(ref _remote);

    /// <summary>Replaces what the other nodes want (called by the bridge).</summary>
    internal void SetRemote(RemoteListeners remote) => Volatile.Write(ref _remote, remote);

    private void Remove(Subscription subscription)
    {
        bool removed;
        lock (_gate)
        {
            var before = _subscribers.Length;
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscription));
            removed = _subscribers.Length != before;
        }

        if (removed)
        {
            InterestChanged?.Invoke();
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
