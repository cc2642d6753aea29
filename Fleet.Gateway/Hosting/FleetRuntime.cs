using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Egress;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Registry;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Hosting;

/// <summary>
/// The gateway's supervision tree and MQTT sessions. The actor system is an Akka cluster node hosted by Akka.Hosting
/// (<see cref="Configure"/>: remoting, clustering, the <c>device</c> shard region of twins, the fleet supervisor, rollout
/// manager, insights and distiller); this hosted service, started after it, opens one ingress session per shard.
/// </summary>
internal sealed class FleetRuntime(
    GatewayOptions options,
    FleetStoreService storeService,
    EmbeddedBroker broker,
    GatewayUrls urls,
    MetricsRegistry metrics,
    ModelRegistry registry,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    Events.FleetEventFeed events) : IHostedService
{
    /// <summary>The shard region's type name.</summary>
    public const string DeviceRegionName = "device";

    private readonly ILogger _logger = loggerFactory.CreateLogger<FleetRuntime>();
    private readonly List<ShardSession> _sessions = [];
    private TwinServices? _twins;
    private DevicePublisher? _publisher;
    private Rejections.RejectionRecorder? _rejections;
    private FleetSummary? _summary;
    private ITimer? _summaryTimer;

    /// <summary>The gateway's clock; edges that wait for an actor time out on it.</summary>
    public TimeProvider Time => timeProvider;

    /// <summary>The node's actor system (set when Akka.Hosting starts it).</summary>
    public ActorSystem System { get; private set; } = null!;

    /// <summary>The <c>device</c> shard region: routes <see cref="ITwinMessage"/>s to twins.</summary>
    public IActorRef Devices { get; private set; } = ActorRefs.Nobody;

    public TwinCounters Counters { get; } = new(metrics);

    /// <summary>The <see cref="InsightAggregator"/>: answers <see cref="GetInsightSummary"/>.</summary>
    public IActorRef Insights { get; private set; } = ActorRefs.Nobody;

    /// <summary>The <see cref="Distiller"/>: answers <see cref="StartDistillation"/> and <see cref="GetDistillation"/>.</summary>
    public IActorRef Distiller { get; private set; } = ActorRefs.Nobody;

    /// <summary>The <see cref="RolloutManager"/>: answers <see cref="StartRollout"/>, <see cref="ChangeRollout"/> and <see cref="GetRolloutViews"/>.</summary>
    public IActorRef Rollouts { get; private set; } = ActorRefs.Nobody;

    public IFleetStore Store => storeService.Store;

    /// <summary>Shards whose ingress session is connected.</summary>
    public int ConnectedShards => _sessions.Count(s => s.IsConnected);

    /// <summary>Shards whose messages are held (not stored, redelivered with backoff), and why.</summary>
    public IReadOnlyList<ShardHold> HeldShards => [.. _sessions.Select(s => s.Hold).OfType<ShardHold>()];

    /// <summary>Shards whose session another holder of the same client id took over (this node stepped aside).</summary>
    public IReadOnlyList<int> TakenOverShards => [.. _sessions.Where(s => !s.IsOwner).Select(s => s.Shard)];

    /// <summary>
    /// The node's Akka configuration (called by <c>AddAkka</c>, before any hosted service starts). The actors start in
    /// this order when Akka.Hosting starts the system: the outbound publisher and the dead-letter answerer, the shard
    /// region, then the top-level actors (which #16 turns into cluster singletons).
    /// </summary>
    public void Configure(AkkaConfigurationBuilder akka)
    {
        var cluster = options.Cluster;
        akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory(loggerFactory);
            })
            .AddHocon(FleetAkkaConfig.Gateway(cluster), HoconAddMode.Prepend)
            .WithRemoting(cluster.Hostname, cluster.Port)
            .WithClustering(new Akka.Cluster.Hosting.ClusterOptions
            {
                SeedNodes = [.. cluster.SeedNodes],
                SplitBrainResolver = FleetAkkaConfig.SplitBrain(cluster),
            })
            .WithActors(new ActorStarter(StartNodeAsync))
            .WithShardRegion<DeviceTwin>(
                DeviceRegionName,
                (_, _) => id => DeviceTwin.Props(id, _twins!),
                new DeviceMessageExtractor(options.ShardCount),
                new ShardOptions
                {
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    ShouldPassivateIdleEntities = false,
                    HandOffStopMessage = TwinInternal.Passivate.Instance,
                })
            .WithActors(StartTopLevelActors)
            .WithFleetView();
        if (!string.IsNullOrWhiteSpace(cluster.Hocon))
        {
            akka.AddHocon(cluster.Hocon, HoconAddMode.Prepend);
        }
    }

    /// <summary>Joins the cluster, connects the outbound publisher (twins publish through it) and answers dead-lettered asks.</summary>
    private async Task StartNodeAsync(ActorSystem system, IActorRegistry actors)
    {
        System = system;
        if (options.Cluster.JoinsItself)
        {
            var node = Akka.Cluster.Cluster.Get(system);
            node.Join(node.SelfAddress);
        }

        _publisher = await DevicePublisher.ConnectAsync(broker, options.ShardCount, _logger, CancellationToken.None).ConfigureAwait(false);
        _rejections = new Rejections.RejectionRecorder(Store, metrics, loggerFactory.CreateLogger<Rejections.RejectionRecorder>());
        var publisher = _publisher;
        var rejections = _rejections;
        // The publisher and the rejection log outlive the twins' hand-off drain (cluster-sharding-shutdown-region runs before this phase).
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "fleet-egress", async () =>
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            await rejections.DisposeAsync().ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        _twins = new TwinServices(Store, _publisher, Counters, options, timeProvider, loggerFactory.CreateLogger<DeviceTwin>()) { Events = events, Rejections = _rejections };
        actors.Register<UndeliveredTwinMessages>(system.ActorOf(UndeliveredTwinMessages.Props(), "undelivered-twin-messages"));
    }

    private void StartTopLevelActors(ActorSystem system, IActorRegistry actors)
    {
        var devices = actors.Get<DeviceTwin>();
        var fleetSupervisor = system.ActorOf(
            Props.Create(() => new FleetSupervisor(Store, options.Incidents, timeProvider, devices, urls.Artifact, loggerFactory.CreateLogger<FleetSupervisor>(), events)),
            "fleet-supervisor");
        actors.Register<FleetSupervisor>(fleetSupervisor);
        _twins!.FleetSupervisor = fleetSupervisor;

        var insights = system.ActorOf(InsightAggregator.Props(Store, options.Insights, loggerFactory.CreateLogger<InsightAggregator>()), "insights");
        actors.Register<InsightAggregator>(insights);
        actors.Register<Distiller>(system.ActorOf(Distillation.Distiller.Props(Store, registry, insights, options.Distillation, timeProvider, loggerFactory.CreateLogger<Distiller>()), "distiller"));
        var rolloutLogger = loggerFactory.CreateLogger<RolloutManager>();
        var rolloutDriver = new RolloutDriver(Store, devices, urls.Artifact, options.Rollouts, timeProvider, rolloutLogger);
        actors.Register<RolloutManager>(system.ActorOf(RolloutManager.Props(rolloutDriver, options.Rollouts, events, rolloutLogger), "rollouts"));
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var actors = ActorRegistry.For(System);
        Devices = actors.Get<DeviceTwin>();
        Insights = actors.Get<InsightAggregator>();
        Distiller = actors.Get<Distiller>();
        Rollouts = actors.Get<RolloutManager>();
        await WaitUntilUpAsync(cancellationToken).ConfigureAwait(false);

        // One persistent session per shard: measured against one multiplexed session in `fleet bench gateway`
        // (see ARCHITECTURE.md); the per-shard session is also the unit a shard hand-off moves.
        var delivery = new RegionTwinDelivery(Devices, options.Durability.AcknowledgeTimeout * 2);
        var brokerSettings = new Fleet.Shared.Messaging.MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "", UserName = broker.UserName, Password = broker.Password };
        for (var shard = 0; shard < options.ShardCount; shard++)
        {
            _sessions.Add(new ShardSession(shard, options.ShardCount, brokerSettings, delivery, _rejections!, Counters, options.Durability, timeProvider, loggerFactory.CreateLogger<ShardSession>()));
        }

        try
        {
            await Task.WhenAll(_sessions.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
        {
            throw new GatewayStartupException($"ingress could not open its shard sessions on {broker.Host}:{broker.Port}: {ex.Message}", ex);
        }

        RegisterGauges();
        _summaryTimer = timeProvider.CreateTimer(_ => _ = RefreshAsync(), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        GatewayLog.IngressStarted(_logger, options.ShardCount, broker.Host, broker.Port);
    }

    /// <summary>Ingress opens only once this node is an Up member, so the first device messages find a shard coordinator.</summary>
    private Task WaitUntilUpAsync(CancellationToken cancellationToken)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task.WaitAsync(cancellationToken);
    }

    private void RegisterGauges()
    {
        metrics.Gauge("fleet_ingress_shards_connected", "Shard sessions connected to the broker", () => ConnectedShards);
        metrics.Gauge("fleet_ingress_shards_held", "Shards whose messages are held (a message not yet stored, redelivered with backoff)", () => HeldShards.Count);
        metrics.Gauge("fleet_devices", "Registered devices by health (refreshed every 5 s)", "health", () =>
            _summary is { } summary ? summary.ByHealth.Select(h => (h.Key, (double)h.Value)) : []);
        metrics.Gauge("fleet_devices_online", "Devices online (refreshed every 5 s)", () => _summary?.Online ?? 0);
        metrics.Gauge("fleet_devices_quarantined", "Devices quarantined (refreshed every 5 s)", () => _summary?.Quarantined ?? 0);
    }

    private async Task RefreshAsync()
    {
        _twins?.RestartBudget.Sweep();
        try
        {
            _summary = await Store.Devices.GetSummaryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            GatewayLog.SummaryFailed(_logger, ex);
        }
    }

    /// <summary>Closes the ingress sessions; Akka.Hosting then runs coordinated shutdown (twins drain, then the publisher and the rejection log close).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_summaryTimer is not null)
        {
            await _summaryTimer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var session in _sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _sessions.Clear();
    }
}
