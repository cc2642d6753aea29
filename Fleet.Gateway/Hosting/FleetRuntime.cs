using Fleet.Gateway.Broker;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;
using Fleet.Shared.Actors.Supervision;
using Fleet.Shared.Actors.Sharding;
using Fleet.Gateway.Egress;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Registry;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Hosting;

/// <summary>
/// The gateway's supervision tree and MQTT sessions: the actor system, the device shard region (twins and
/// their model supervisors), the fleet supervisor, the outbound publisher and one ingress session per shard.
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
    Events.FleetEventFeed events) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<FleetRuntime>();
    private readonly List<ShardSession> _sessions = [];
    private ActorSystem? _system;
    private DevicePublisher? _publisher;
    private Rejections.RejectionRecorder? _rejections;
    private FleetSummary? _summary;
    private ITimer? _summaryTimer;

    /// <summary>The gateway's clock; edges that wait for a twin time out on it.</summary>
    public TimeProvider Time => timeProvider;

    /// <summary>Routes <see cref="ITwinMessage"/>s to twins.</summary>
    public IActorRef Devices { get; private set; } = null!;

    public TwinCounters Counters { get; } = new(metrics);

    /// <summary>The <see cref="InsightAggregator"/>: answers <see cref="GetInsightSummary"/>.</summary>
    public IActorRef Insights { get; private set; } = null!;

    /// <summary>The <see cref="Distiller"/>: answers <see cref="StartDistillation"/> and <see cref="GetDistillation"/>.</summary>
    public IActorRef Distiller { get; private set; } = null!;

    /// <summary>The <see cref="RolloutManager"/>: answers <see cref="StartRollout"/>, <see cref="ChangeRollout"/> and <see cref="GetRolloutViews"/>.</summary>
    public IActorRef Rollouts { get; private set; } = null!;

    public IFleetStore Store => storeService.Store;

    /// <summary>Shards whose ingress session is connected.</summary>
    public int ConnectedShards => _sessions.Count(s => s.IsConnected);

    /// <summary>Shards whose messages are held (not stored, redelivered with backoff), and why.</summary>
    public IReadOnlyList<ShardHold> HeldShards => [.. _sessions.Select(s => s.Hold).OfType<ShardHold>()];

    /// <summary>Shards whose session another holder of the same client id took over (this node stepped aside).</summary>
    public IReadOnlyList<int> TakenOverShards => [.. _sessions.Where(s => !s.IsOwner).Select(s => s.Shard)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _system = ActorSystem.Create("fleet-gateway", new ActorSystemOptions { TimeProvider = timeProvider });
        _system.ActorOf(Props.Create(() => new UndeliveredTwinMessages()), "undelivered-twin-messages");
        _publisher = await DevicePublisher.ConnectAsync(broker, options.ShardCount, _logger, cancellationToken).ConfigureAwait(false);
        _rejections = new Rejections.RejectionRecorder(Store, metrics, loggerFactory.CreateLogger<Rejections.RejectionRecorder>());
        var services = new TwinServices(Store, _publisher, Counters, options, timeProvider, loggerFactory.CreateLogger<DeviceTwin>()) { Events = events, Rejections = _rejections };
        Devices = ShardRegion.Start(_system, new ShardRegionSettings
        {
            TypeName = "device",
            EntityProps = id => DeviceTwin.Props(id, services),
            MessageExtractor = new DeviceMessageExtractor(options.ShardCount),
            EntitySupervisorStrategy = new OneForOneStrategy(10, TimeSpan.FromMinutes(1), SupervisorStrategy.DefaultDecider, Directive.Stop),
            PassivateIdleAfter = options.TwinIdleTimeout > TimeSpan.Zero ? options.TwinIdleTimeout : null,
            HandOffStopMessage = TwinInternal.Passivate.Instance,
        });
        services.FleetSupervisor = _system.ActorOf(
            Props.Create(() => new FleetSupervisor(Store, options.Incidents, timeProvider, Devices, urls.Artifact, loggerFactory.CreateLogger<FleetSupervisor>(), events)),
            "fleet-supervisor");

        Insights = _system.ActorOf(InsightAggregator.Props(Store, options.Insights, loggerFactory.CreateLogger<InsightAggregator>()), "insights");
        Distiller = _system.ActorOf(Distillation.Distiller.Props(Store, registry, Insights, options.Distillation, timeProvider, loggerFactory.CreateLogger<Distiller>()), "distiller");
        var rolloutLogger = loggerFactory.CreateLogger<RolloutManager>();
        var rolloutDriver = new RolloutDriver(Store, Devices, urls.Artifact, options.Rollouts, timeProvider, rolloutLogger);
        Rollouts = _system.ActorOf(RolloutManager.Props(rolloutDriver, options.Rollouts, events, rolloutLogger), "rollouts");

        // One persistent session per shard: measured against one multiplexed session in `fleet bench gateway`
        // (see ARCHITECTURE.md); the per-shard session is also the unit a shard hand-off moves.
        var delivery = new RegionTwinDelivery(Devices, options.Durability.AcknowledgeTimeout * 2);
        var brokerSettings = new Fleet.Shared.Messaging.MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "", UserName = broker.UserName, Password = broker.Password };
        for (var shard = 0; shard < options.ShardCount; shard++)
        {
            _sessions.Add(new ShardSession(shard, options.ShardCount, brokerSettings, delivery, _rejections, Counters, options.Durability, timeProvider, loggerFactory.CreateLogger<ShardSession>()));
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
        _summaryTimer = timeProvider.CreateTimer(_ => _ = RefreshSummaryAsync(), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        GatewayLog.IngressStarted(_logger, options.ShardCount, broker.Host, broker.Port);
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

    private async Task RefreshSummaryAsync()
    {
        try
        {
            _summary = await Store.Devices.GetSummaryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            GatewayLog.SummaryFailed(_logger, ex);
        }
    }

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
        if (_system is not null)
        {
            await _system.TerminateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        if (_rejections is not null)
        {
            await _rejections.DisposeAsync().ConfigureAwait(false);
            _rejections = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
