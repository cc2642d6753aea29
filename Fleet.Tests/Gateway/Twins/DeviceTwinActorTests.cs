using System.Text;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Fleet.Gateway;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Egress;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Store;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>
/// One twin as an Akka actor under a probe standing in for its shard: loading and stashing, the ordered write chain and
/// its acknowledgements, the drain before a passivation stops it, its own restart budget and idleness on domain time.
/// Real SQLite store (with held or failing writes) and a real broker for the outbound publisher.
/// </summary>
public sealed class DeviceTwinActorTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<MosquittoFixture>, IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private readonly MosquittoFixture _broker;
    private readonly VirtualClock _clock;
    private readonly StoreFaults _faults = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fleet-twin-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestProbe _shard;
    private IFleetStore _store = null!;
    private DevicePublisher _publisher = null!;
    private TwinServices _services = null!;
    private long _seq;

    public DeviceTwinActorTests(MosquittoFixture broker)
        : base(VirtualClock.Hocon)
    {
        _broker = broker;
        _clock = new VirtualClock(Sys, DateTimeOffset.UtcNow);
        _shard = CreateTestProbe();
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        var options = new GatewayOptions
        {
            BrokerHost = _broker.Host,
            BrokerPort = _broker.Port,
            TwinIdleTimeout = IdleTimeout,
            Durability = new DurabilityPolicy { WriteAttempts = 1 },
        };
        _store = new FaultyFleetStore(await FleetStoreFactory.OpenAsync(new FleetStoreOptions(), _data, _clock.Time, CancellationToken.None), _faults);
        var external = new EmbeddedBroker(options, _clock.Time, NullLogger<EmbeddedBroker>.Instance);
        _publisher = await DevicePublisher.ConnectAsync(external, options.ShardCount, NullLogger.Instance, CancellationToken.None);
        _services = new TwinServices(_store, _publisher, new TwinCounters(new MetricsRegistry()), options, _clock.Time, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        _faults.Release();
        Shutdown();
        await _publisher.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task QoS1Report_IsAcknowledged_OnlyAfterItsWrite_WhileReadsAreAnsweredAtOnce()
    {
        var twin = Twin("ack");
        _faults.Hold();

        twin.Tell(Report("ack", ack: 1, health: "degraded"), TestActor);
        twin.Tell(new GetTwin("ack"), TestActor);

        // The read is answered from memory while the write is still held: no Persisted can have come first.
        var snapshot = ExpectMsg<TwinSnapshot>();
        Assert.Contains("degraded", snapshot.ReportedJson, StringComparison.Ordinal);
        Assert.Null(await StoredHealthAsync("ack"));

        _faults.Release();
        Assert.Equal(1, ExpectMsg<Persisted>().AckId);
        Assert.Equal("degraded", await StoredHealthAsync("ack"));
    }

    [Fact]
    public async Task UpdateEvent_IsAcknowledgedOnlyAfterItsWrite_AndANewIncarnationKnowsIt()
    {
        var twin = Twin("upd");
        twin.Tell(Report("upd", ack: 1, health: "healthy"), TestActor);
        ExpectMsg<Persisted>();
        _faults.Hold();
        var json = """{"v":1,"type":"update","seq":7,"epoch":1,"desiredVersion":2,"outcome":"committed","modelVersion":"1.1.0"}""";

        twin.Tell(new DeviceMessage("upd", Sharding.ShardOf("upd", _services.Options.ShardCount), TopicKind.Events, Encoding.UTF8.GetBytes(json), 2), TestActor);

        twin.Tell(new GetTwin("upd"), TestActor);

        // Answered from memory while the write is held: no Persisted can have come first, and nothing is stored yet.
        Assert.Contains("committed", ExpectMsg<TwinSnapshot>().LastUpdateJson, StringComparison.Ordinal);
        Assert.Null((await _store.Twins.GetAsync("upd", CancellationToken.None))!.LastUpdateJson);
        _faults.Release();
        Assert.Equal(2, ExpectMsg<Persisted>().AckId);
        Watch(twin);
        Sys.Stop(twin);
        ExpectTerminated(twin);

        // As if the twin's node died: another incarnation rebuilt from the store still has the latest update event.
        var next = _shard.ChildActorOf(DeviceTwin.Props("upd", _services), "upd-next", SupervisorStrategy.DefaultStrategy);
        next.Tell(new GetTwin("upd"), TestActor);
        var snapshot = ExpectMsg<TwinSnapshot>();
        Assert.Contains("\"outcome\":\"committed\"", snapshot.LastUpdateJson, StringComparison.Ordinal);
        Assert.Contains("committed", (await _store.Twins.GetAsync("upd", CancellationToken.None))!.LastUpdateJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_AreAcknowledgedInTheOrderTheyArrived()
    {
        var twin = Twin("order");
        _faults.Hold();
        for (var ack = 1; ack <= 5; ack++)
        {
            twin.Tell(Report("order", ack, health: "healthy"), TestActor);
        }

        _faults.Release();

        Assert.Equal([1L, 2, 3, 4, 5], Enumerable.Range(0, 5).Select(_ => ExpectMsg<Persisted>().AckId));
    }

    [Fact]
    public void FailedWrite_IsAnsweredWithAFailure_AndTheTwinRestartsFromTheStore()
    {
        var twin = Twin("fails");
        twin.Tell(Report("fails", ack: 1, health: "healthy"), TestActor);
        ExpectMsg<Persisted>();
        _faults.FailNext(1);

        twin.Tell(Report("fails", ack: 2, health: "degraded"), TestActor);

        Assert.IsType<IOException>(ExpectMsg<Status.Failure>().Cause);
        AwaitCondition(() => _services.Counters.TwinRestarts.Value == 1);
        twin.Tell(new GetTwin("fails"), TestActor);
        Assert.Contains("healthy", ExpectMsg<TwinSnapshot>().ReportedJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passivate_DrainsTheQueuedWrites_ThenStops()
    {
        var twin = Twin("drain");
        Watch(twin);
        _faults.Hold();
        twin.Tell(Report("drain", ack: 1, health: "healing"), TestActor);

        twin.Tell(TwinInternal.Passivate.Instance);
        twin.Tell(new GetTwin("drain"), TestActor);

        // Still alive while its write is held: it answers.
        ExpectMsg<TwinSnapshot>();
        _faults.Release();
        Assert.Equal(1, ExpectMsg<Persisted>().AckId);
        ExpectTerminated(twin);
        Assert.Equal("healing", await StoredHealthAsync("drain"));
        Assert.Equal(1, _services.Counters.Passivated.Value);
    }

    [Fact]
    public void TwinPastItsRestartBudget_AsksItsShardToPassivateIt()
    {
        var twin = Twin("crashy");
        for (var crash = 1; crash <= _services.RestartBudget.MaxRestarts; crash++)
        {
            twin.Tell(new CrashTwin("crashy"));
            // Answered by the restarted twin; a passivation request would have reached the shard first.
            twin.Tell(new GetTwin("crashy"), _shard);
            _shard.ExpectMsg<TwinSnapshot>();
        }

        twin.Tell(new CrashTwin("crashy"));

        Assert.Same(TwinInternal.Passivate.Instance, _shard.ExpectMsg<Passivate>().StopMessage);
    }

    [Fact]
    public void IdleTwin_AsksItsShardToPassivateIt_OnTheGatewaysClock()
    {
        var twin = Twin("idle");
        twin.Tell(new GetTwin("idle"), _shard);
        _shard.ExpectMsg<TwinSnapshot>();

        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        twin.Tell(new GetTwin("idle"), _shard);
        _shard.ExpectMsg<TwinSnapshot>();
        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        twin.Tell(new GetTwin("idle"), _shard);
        // Active a moment ago: the idle checks so far found it busy.
        _shard.ExpectMsg<TwinSnapshot>();

        _clock.Advance(IdleTimeout + TimeSpan.FromMinutes(1));

        Assert.Same(TwinInternal.Passivate.Instance, _shard.ExpectMsg<Passivate>().StopMessage);
    }

    private async Task<string?> StoredHealthAsync(string id) => (await _store.Twins.GetAsync(id, CancellationToken.None))?.Reported?.Health;

    /// <summary>A twin under the probe, supervised as a shard supervises its entities (Akka's default: restart, no limit).</summary>
    private IActorRef Twin(string id) => _shard.ChildActorOf(DeviceTwin.Props(id, _services), id, SupervisorStrategy.DefaultStrategy);

    private DeviceMessage Report(string id, long ack, string health)
    {
        var json = $$"""{"v":1,"seq":{{++_seq}},"epoch":1,"desiredVersion":0,"model":{"id":"vocoder","version":"1.0.0","source":"active"},"health":"{{health}}"}""";
        return new DeviceMessage(id, Sharding.ShardOf(id, _services.Options.ShardCount), TopicKind.Report, Encoding.UTF8.GetBytes(json), ack);
    }
}
