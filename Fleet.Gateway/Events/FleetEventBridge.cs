using System.Collections.Frozen;
using Akka.Actor;
using Akka.Cluster;

namespace Fleet.Gateway.Events;

/// <summary>
/// Carries live events between the nodes of the cluster: one per node (<c>/user/fleet-events</c>). It tells every
/// other member what this node's views want (<see cref="FleetEventInterest"/>, on every change and to each member that
/// comes up), keeps what the others want in the feed (<see cref="FleetEventFeed.SetRemote"/>), so that the feed
/// forwards an event straight to the bridges that want it, and hands the events it receives to this node's views.
/// </summary>
/// <remarks>
/// Membership events give the exact set of peers: a node that joins is greeted the moment it is Up and answers with
/// its own interest, and a removed node's interest is dropped. Nothing crosses the network while no view anywhere
/// wants an event (a twin then builds none: <see cref="FleetEventFeed.Watches"/>, <see cref="FleetEventFeed.HasFleetListeners"/>).
/// </remarks>
internal sealed class FleetEventBridge : UntypedActor
{
    /// <summary>The bridge's name under <c>/user</c>, the same on every node.</summary>
    public const string Name = "fleet-events";

    private readonly FleetEventFeed _feed;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly HashSet<Address> _members = [];
    private readonly Dictionary<Address, Peer> _peers = [];
    private (bool FleetWide, string[] Devices) _announced = (false, []);
    private long _version;

    public FleetEventBridge(FleetEventFeed feed) => _feed = feed;

    public static Props Props(FleetEventFeed feed) => Akka.Actor.Props.Create(() => new FleetEventBridge(feed));

    protected override void PreStart()
    {
        var self = Self;
        _feed.InterestChanged = () => self.Tell(LocalInterestChanged.Instance, ActorRefs.NoSender);
        _announced = _feed.LocalInterest();
        _version = _feed.NextInterestVersion();
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _feed.InterestChanged = null;
        _feed.SetRemote(RemoteListeners.None);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FleetEvent change:
                _feed.Deliver(change);
                break;
            case FleetEventInterest interest:
                OnInterest(interest);
                break;
            case LocalInterestChanged:
                Announce();
                break;
            case ClusterEvent.MemberUp up when up.Member.Address != _cluster.SelfAddress:
                _members.Add(up.Member.Address);
                BridgeOn(up.Member.Address).Tell(Current(answer: true), Self);
                break;
            case ClusterEvent.MemberRemoved removed:
                _members.Remove(removed.Member.Address);
                if (_peers.TryGetValue(removed.Member.Address, out var peer) && peer.Node == removed.Member.UniqueAddress.Uid)
                {
                    _peers.Remove(removed.Member.Address);
                    Publish();
                }

                break;
            case ClusterEvent.IMemberEvent:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnInterest(FleetEventInterest interest)
    {
        var address = Sender.Path.Address;
        if (address == _cluster.SelfAddress || !address.HasGlobalScope)
        {
            return;
        }

        if (!_peers.TryGetValue(address, out var known) || known.Node != interest.Node || known.Version < interest.Version)
        {
            _peers[address] = new Peer(interest.Node, interest.Version, new RemoteListener(Sender, interest.FleetWide, interest.Devices.ToFrozenSet(StringComparer.Ordinal)));
            Publish();
        }

        if (interest.Answer)
        {
            Sender.Tell(Current(answer: false), Self);
        }
    }

    private void Announce()
    {
        var now = _feed.LocalInterest();
        if (now.FleetWide == _announced.FleetWide && now.Devices.AsSpan().SequenceEqual(_announced.Devices))
        {
            return;
        }

        _announced = now;
        _version = _feed.NextInterestVersion();
        var interest = Current(answer: false);
        foreach (var member in _members)
        {
            BridgeOn(member).Tell(interest, Self);
        }
    }

    private void Publish() => _feed.SetRemote(new RemoteListeners([.. _peers.Values.Select(p => p.Listener).Where(l => l.FleetWide || l.Devices.Count > 0)]));

    private FleetEventInterest Current(bool answer) => new(_cluster.SelfUniqueAddress.Uid, _version, _announced.FleetWide, _announced.Devices, answer);

    private ActorSelection BridgeOn(Address address) => Context.ActorSelection(new RootActorPath(address) / "user" / Name);

    private sealed record Peer(int Node, long Version, RemoteListener Listener);

    private sealed record LocalInterestChanged : INoSerializationVerificationNeeded
    {
        public static LocalInterestChanged Instance { get; } = new();
    }
}
