using Akka.Actor;
using Fleet.Device.Simulation;

namespace Fleet.Device.Agent;

/// <summary>
/// One device: supervises its <see cref="ModelActor"/> (restarting it after a crash, within
/// <see cref="DeviceRuntime.Supervision"/>), routes the broker's messages to it and, for simulated devices, plays
/// the fault schedule. The uplink outlives restarts. When the model actor is stopped (budget exceeded) the agent
/// stops too: systemd's watchdog then sees no inference progress and restarts the process.
/// </summary>
internal sealed class DeviceAgentActor : ReceiveActor, IWithTimers
{
    private readonly DeviceRuntime _runtime;
    private readonly Random _random;
    private readonly DateTimeOffset _started;
    private IActorRef _model = ActorRefs.Nobody;
    private int _nextPlanned;

    public DeviceAgentActor(DeviceRuntime runtime)
    {
        _runtime = runtime;
        _random = new Random(runtime.Seed ^ 0x5EED);
        _started = runtime.Time.GetUtcNow();
        Receive<Inbound>(m => _model.Forward(m));
        Receive<InjectFault>(m => _model.Forward(m));
        Receive<FaultClock>(_ => PlayFaults());
        Receive<Terminated>(t => t.ActorRef.Equals(_model), _ =>
        {
            DeviceLog.ModelGaveUp(_runtime.Logger, _runtime.DeviceId, _runtime.Supervision.MaxRestarts, _runtime.Supervision.Within);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DeviceRuntime runtime) => Akka.Actor.Props.Create(() => new DeviceAgentActor(runtime));

    protected override void PreStart()
    {
        _model = Context.ActorOf(ModelActor.Props(_runtime), "model");
        Context.Watch(_model);
        var self = Self;
        _runtime.Uplink.Received = message =>
        {
            self.Tell(new Inbound(message));
            return ValueTask.CompletedTask;
        };
        if (_runtime.IsSimulated && (_runtime.Faults.Planned.Count > 0 || _runtime.Faults.RandomPerMinute > 0))
        {
            Timers.StartPeriodicTimer("faults", FaultClock.Instance, TimeSpan.FromSeconds(1));
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(_runtime.Supervision.MaxRestarts, _runtime.Supervision.Within, static _ => Directive.Restart);

    private void PlayFaults()
    {
        var elapsed = _runtime.Time.GetUtcNow() - _started;
        var planned = _runtime.Faults.Planned;
        while (_nextPlanned < planned.Count && planned[_nextPlanned].At <= elapsed)
        {
            _model.Tell(new InjectFault(planned[_nextPlanned++].Fault, FaultOrigin.Planned));
        }

        // Poisson arrivals at RATE per minute, checked once a second.
        if (_runtime.Faults.RandomPerMinute > 0 && _random.NextDouble() < _runtime.Faults.RandomPerMinute / 60.0)
        {
            var kinds = Enum.GetValues<FaultKind>();
            var kind = kinds[_random.Next(kinds.Length)];
            _model.Tell(new InjectFault(new Fault(kind, kind == FaultKind.BitFlip ? Fault.BitFlipVariants[_random.Next(2)] : null), FaultOrigin.Random));
        }
    }
}
