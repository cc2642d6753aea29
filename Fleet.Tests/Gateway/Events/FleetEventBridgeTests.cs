using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Events;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Events;

/// <summary>
/// Two real cluster nodes (two actor systems on loopback, Fleet's serializer on the wire), each with its own feed and
/// bridge: events reach the other node's views once, only when wanted, and a watch on one node makes the other build
/// that device's events.
/// </summary>
public sealed class FleetEventBridgeTests : IAsyncLifetime
{
    private static readonly MetricPoint Point = new(0, 0.1f, 0.2f, float.NaN, 300, 400, float.NaN);

    private readonly FleetEventFeed _feedA = new();
    private readonly FleetEventFeed _feedB = new();
    private ActorSystem _a = null!;
    private ActorSystem _b = null!;

    public async Task InitializeAsync()
    {
        _a = ActorSystem.Create(ClusterOptions.SystemName, NodeConfig);
        _b = ActorSystem.Create(ClusterOptions.SystemName, NodeConfig);
        _a.ActorOf(FleetEventBridge.Props(_feedA), FleetEventBridge.Name);
        _b.ActorOf(FleetEventBridge.Props(_feedB), FleetEventBridge.Name);
        var first = Akka.Cluster.Cluster.Get(_a);
        await first.JoinAsync(first.SelfAddress);
        await Akka.Cluster.Cluster.Get(_b).JoinAsync(first.SelfAddress);
        await Eventually.TrueAsync(
            () => new[] { _a, _b }.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2),
            "both nodes to see two Up members");
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_a.Terminate(), _b.Terminate());
    }

    [Fact]
    public async Task WithNoViewAnywhere_NothingIsForwarded_AndNoTwinBuildsEvents()
    {
        _feedB.Publish(new TwinChanged("dev-1", 3, "healthy", true, "1.0.0", false, null));
        _feedB.Publish(new MetricsRecorded("dev-1", Point));

        Assert.Equal(0, _feedB.Forwarded);
        Assert.False(_feedB.HasFleetListeners);
        Assert.False(_feedB.Watches("dev-1"));

        // A view that watches one device on A does not open the fleet-wide stream on B.
        using var watch = _feedA.Subscribe("dev-1");
        await Eventually.TrueAsync(() => _feedB.Watches("dev-1"), "B to learn that A watches dev-1");
        Assert.False(_feedB.HasFleetListeners);
        Assert.False(_feedB.Watches("dev-2"));
        _feedB.Publish(new TwinChanged("dev-1", 3, "degraded", true, "1.0.0", false, null));
        Assert.Equal(0, _feedB.Forwarded);
    }

    [Fact]
    public async Task AnEventPublishedOnB_ReachesAFleetViewOnA_Once_AndBsOwnViewOnce()
    {
        using var onA = _feedA.Subscribe();
        using var onB = _feedB.Subscribe();
        await Eventually.TrueAsync(() => _feedB.Remote.FleetWide && _feedA.Remote.FleetWide, "each node to learn the other has a fleet view");
        var incident = new FleetIncident("inc-1", DateTimeOffset.UnixEpoch, "weightCorruption", "m", "1.0.0", 4, 5, 0.8, "rollback", "0.9.0", 4);

        _feedB.Publish(new IncidentRaised(incident));
        _feedB.Publish(new TwinChanged("marker", 1, "healthy", true, "1.0.0", false, null));

        var arrived = await ReadAsync(onA.Reader);
        Assert.Equal(incident, Assert.IsType<IncidentRaised>(arrived).Incident);
        Assert.Equal("marker", Assert.IsType<TwinChanged>(await ReadAsync(onA.Reader)).DeviceId);
        Assert.IsType<IncidentRaised>(await ReadAsync(onB.Reader));
        Assert.Equal("marker", Assert.IsType<TwinChanged>(await ReadAsync(onB.Reader)).DeviceId);
        Assert.Equal(2, _feedB.Forwarded);
        Assert.False(onA.Reader.TryRead(out _));
        Assert.False(onB.Reader.TryRead(out _));
        Assert.Equal(0, _feedA.Forwarded);
    }

    [Fact]
    public async Task AWatchOnA_MakesBBuildThatDevicesEvents_AndOnlyThatViewReceivesThem()
    {
        using var fleetViewOnA = _feedA.Subscribe();
        using var watchOnA = _feedA.Subscribe("dev-7");
        await Eventually.TrueAsync(() => _feedB.Watches("dev-7"), "B to learn that A watches dev-7");

        _feedB.Publish(new MetricsRecorded("dev-8", Point));
        _feedB.Publish(new MetricsRecorded("dev-7", Point));
        _feedB.Publish(new WaveformsRecorded("dev-7", "h-1"));

        var metrics = Assert.IsType<MetricsRecorded>(await ReadAsync(watchOnA.Reader));
        Assert.Equal(("dev-7", Point), (metrics.DeviceId, metrics.Point));
        Assert.Equal("h-1", Assert.IsType<WaveformsRecorded>(await ReadAsync(watchOnA.Reader)).HealId);
        Assert.Equal(2, _feedB.Forwarded);

        watchOnA.Dispose();
        await Eventually.TrueAsync(() => !_feedB.Watches("dev-7"), "B to learn that nobody watches dev-7 any more");
        Assert.False(fleetViewOnA.Reader.TryRead(out _));
    }

    [Fact]
    public async Task ARemovedNodesInterest_IsForgotten()
    {
        using var watchOnA = _feedA.Subscribe("dev-9");
        using var fleetViewOnA = _feedA.Subscribe();
        await Eventually.TrueAsync(() => _feedB.Watches("dev-9") && _feedB.HasFleetListeners, "B to learn A's views");

        await Akka.Cluster.Cluster.Get(_a).LeaveAsync();

        await Eventually.TrueAsync(() => !_feedB.Watches("dev-9") && !_feedB.HasFleetListeners, "B to forget the node that left");
        _feedB.Publish(new TwinChanged("dev-9", 1, "healthy", true, "1.0.0", false, null));
        Assert.Equal(0, _feedB.Forwarded);
    }

    private static Config NodeConfig => ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.periodic-tasks-initial-delay = 50ms
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 100ms
        akka.cluster.downing-provider-class = ""
        """).WithFallback(ConfigurationFactory.ParseString(FleetAkkaConfig.Serialization));

    private static async Task<FleetEvent> ReadAsync(ChannelReader<FleetEvent> reader)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        return await reader.ReadAsync(timeout.Token);
    }
}
