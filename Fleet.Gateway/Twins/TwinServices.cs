using Fleet.Gateway.Store;
using Akka.Actor;
using Fleet.Gateway.Egress;

namespace Fleet.Gateway.Twins;

/// <summary>What every twin needs, shared by all of them (one instance per gateway).</summary>
internal sealed class TwinServices(IFleetStore store, DevicePublisher publisher, TwinCounters counters, GatewayOptions options, TimeProvider timeProvider, ILogger logger)
{
    public IFleetStore Store { get; } = store;

    public DevicePublisher Publisher { get; } = publisher;

    public TwinCounters Counters { get; } = counters;

    public GatewayOptions Options { get; } = options;

    public TimeProvider Time { get; } = timeProvider;

    public ILogger Logger { get; } = logger;

    /// <summary>How often a twin may restart (10 a minute) before it passivates and waits for its next message.</summary>
    public TwinRestartBudget RestartBudget { get; } = new(10, TimeSpan.FromMinutes(1), timeProvider);

    public ModelSupervisionPolicy SupervisionPolicy => Options.ModelSupervision;

    /// <summary>The fleet supervisor; set once at start, before any device message is routed.</summary>
    public IActorRef? FleetSupervisor { get; set; }

    /// <summary>Where twins announce summary changes to live views; set once at start.</summary>
    public Events.FleetEventFeed? Events { get; set; }

    /// <summary>Where twins record the messages they reject (the rejected-messages log); set once at start.</summary>
    public Rejections.RejectionRecorder? Rejections { get; set; }
}
