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
/// The gateway node's actors and ingress. The actor system is an Akka cluster node hosted by Akka.Hosting
/// (<see cref="Configure"/>): remoting and clustering, the <c>device</c> shard region of twins, the <c>ingress</c>
/// sharded daemon process (one MQTT session per fleet shard, on exactly one node of the cluster), the cluster singletons
/// (fleet supervisor, rollout manager, distiller) with their proxies, and the node's own insights aggregator. This
/// hosted service, started after it, waits until the node is Up (and, for a node of its own, until every shard's
/// session is connected).
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

    /// <summary>The sharded daemon process of ingress sessions (its shard region is <c>sharded-daemon-process-ingress</c>).</summary>
    public const string IngressName = "ingress";

    /// <summary>How long a node of its own waits at start for every shard's session to connect.</summary>
    private static readonly TimeSpan IngressStartTimeout = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = loggerFactory.CreateLogger<FleetRuntime>();
    private TwinServices? _twins;
    private IngressServices? _ingress;
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

    /// <summary>This node's <see cref="InsightAggregator"/>: answers <see cref="GetInsightSummary"/>.</summary>
    public IActorRef Insights { get; private set; } = ActorRefs.Nobody;

    /// <summary>The proxy of the <see cref="Distiller"/> singleton: answers <see cref="StartDistillation"/> and <see cref="GetDistillation"/>.</summary>
    public IActorRef Distiller { get; private set; } = ActorRefs.Nobody;

    /// <summary>The proxy of the <see cref="RolloutManager"/> singleton: answers <see cref="StartRollout"/>, <see cref="ChangeRollout"/> and <see cref="GetRolloutViews"/>.</summary>
    public IActorRef Rollouts { get; private set; } = ActorRefs.Nobody;

    public IFleetStore Store => storeService.Store;

    /// <summary>This node's address in the cluster.</summary>
    public string Node => Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();

    /// <summary>Shards whose ingress session this node holds.</summary>
    public IReadOnlyList<int> LocalShards => _ingress?.Local.Hosted ?? [];

    /// <summary>This node's shard sessions that are connected.</summary>
    public int ConnectedShards => _ingress?.Local.Connected ?? 0;

    /// <summary>This node's shards whose messages are held (not stored, redelivered with backoff), and why.</summary>
    public IReadOnlyList<ShardHold> HeldShards => _ingress?.Local.Held ?? [];

    /// <summary>This node's shards whose session another holder of the same client id took over (this node stepped aside).</summary>
    public IReadOnlyList<int> TakenOverShards => _ingress?.Local.TakenOver ?? [];

    /// <summary>Other cluster members that are Up (0 for a node of its own).</summary>
    public int OtherNodesUp
    {
        get
        {
            var cluster = Akka.Cluster.Cluster.Get(System);
            return cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && m.UniqueAddress != cluster.SelfUniqueAddress);
        }
    }

    /// <summary>
    /// The node's Akka configuration (called by <c>AddAkka</c>, before any hosted service starts). When Akka.Hosting
    /// starts the system the actors start in this order: the outbound publisher and the dead-letter answerer, the device
    /// region, the node's insights aggregator, the singletons and their proxies, then the ingress daemon (its entities
    /// deliver to twins, which report to the fleet supervisor's proxy).
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
                Roles = [cluster.SplitBrainRole],
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
            .WithActors((system, actors) => actors.Register<InsightAggregator>(
                system.ActorOf(InsightAggregator.Props(Store, options.Insights, loggerFactory.CreateLogger<InsightAggregator>()), "insights")))
            .WithSingleton<FleetSupervisor>("fleet-supervisor", (_, actors, _) => Props.Create(() => new FleetSupervisor(
                Store, options.Incidents, timeProvider, actors.Get<DeviceTwin>(), urls.Artifact, loggerFactory.CreateLogger<FleetSupervisor>(), events)))
            .WithSingleton<Distiller>("distiller", (_, actors, _) => Distillation.Distiller.Props(
                Store, registry, actors.Get<InsightAggregator>(), options.Distillation, timeProvider, loggerFactory.CreateLogger<Distiller>()))
            .WithSingleton<RolloutManager>("rollouts", (_, actors, _) =>
            {
                var rolloutLogger = loggerFactory.CreateLogger<RolloutManager>();
                var driver = new RolloutDriver(Store, actors.Get<DeviceTwin>(), urls.Artifact, options.Rollouts, timeProvider, rolloutLogger);
                return RolloutManager.Props(driver, options.Rollouts, events, rolloutLogger);
            })
            .WithActors((_, actors) => _twins!.FleetSupervisor = actors.Get<FleetSupervisor>())
            .WithShardedDaemonProcess<IngressEntity>(
                IngressName,
                options.ShardCount,
                (system, actors, _) =>
                {
                    var brokerSettings = new Fleet.Shared.Messaging.MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "", UserName = broker.UserName, Password = broker.Password };
                    var delivery = new RegionTwinDelivery(actors.Get<DeviceTwin>(), options.Durability.AcknowledgeTimeout * 2);
                    _ingress = new IngressServices(options, brokerSettings, delivery, _rejections!, Counters, new ClusterFence(Akka.Cluster.Cluster.Get(system)), timeProvider, loggerFactory);
                    var ingress = _ingress;
                    return shard => IngressEntity.Props(shard, ingress);
                },
                new ClusterDaemonOptions { KeepAliveInterval = cluster.IngressKeepAlive, HandoffStopMessage = IngressEntity.Stop.Instance });
        if (!string.IsNullOrWhiteSpace(cluster.Hocon))
        {
            akka.AddHocon(cluster.Hocon, HoconAddMode.Prepend);
        }
    }

    /// <summary>Joins the cluster, connects the outbound publisher (twins publish through it), answers dead-lettered asks and checks the peers' split brain settings.</summary>
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
        // The publisher and the rejection log outlive the twins' and the ingress sessions' hand-off (cluster-sharding-shutdown-region runs before this phase).
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "fleet-egress", async () =>
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            await rejections.DisposeAsync().ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        _twins = new TwinServices(Store, _publisher, Counters, options, timeProvider, loggerFactory.CreateLogger<DeviceTwin>()) { Events = events, Rejections = _rejections };
        actors.Register<UndeliveredTwinMessages>(system.ActorOf(UndeliveredTwinMessages.Props(), "undelivered-twin-messages"));
        system.ActorOf(SplitBrainAgreement.Props(options.Cluster, loggerFactory.CreateLogger<SplitBrainAgreement>()), "split-brain-agreement");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var actors = ActorRegistry.For(System);
        Devices = actors.Get<DeviceTwin>();
        Insights = actors.Get<InsightAggregator>();
        Distiller = actors.Get<Distiller>();
        Rollouts = actors.Get<RolloutManager>();
        await WaitUntilUpAsync(cancellationToken).ConfigureAwait(false);
        if (options.Cluster.JoinsItself)
        {
            // A node of its own holds every shard's session: it is started when all of them are receiving.
            try
            {
                await _ingress!.Local.WhenConnectedAsync(options.ShardCount, cancellationToken).WaitAsync(IngressStartTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new GatewayStartupException(
                    $"ingress could not open its shard sessions on {broker.Host}:{broker.Port} within {IngressStartTimeout.TotalSeconds:0} s ({ConnectedShards} of {options.ShardCount} connected; the log says why)", ex);
            }
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
        metrics.Gauge("fleet_ingress_shards_hosted", "Shard sessions this node holds (the cluster gives each shard's session to one node)", () => LocalShards.Count);
        metrics.Gauge("fleet_ingress_shards_connected", "Shard sessions of this node connected to the broker", () => ConnectedShards);
        metrics.Gauge("fleet_ingress_shards_held", "Shards of this node whose messages are held (a message not yet stored, redelivered with backoff)", () => HeldShards.Count);
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

    /// <summary>Stops the summary; Akka.Hosting then runs coordinated shutdown (ingress sessions and twins are handed off, then the publisher and the rejection log close).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_summaryTimer is not null)
        {
            await _summaryTimer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
