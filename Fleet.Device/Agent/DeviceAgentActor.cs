using Fleet.Device.Simulation;
using Fleet.Shared.Actors;
using Fleet.Shared.Actors.Supervision;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>
/// One device: supervises its <see cref="ModelActor"/> (restarting it after a crash, within a budget), routes the
/// broker's messages to it and, for simulated devices, plays the fault schedule. The uplink outlives restarts.
/// </summary>
internal sealed class DeviceAgentActor : ReceiveActor
{
    private readonly DeviceRuntime _runtime;
    private readonly Random _random;
    private readonly DateTimeOffset _started;
    private IActorRef _model = null!;
    private int _nextPlanned;

    public DeviceAgentActor(DeviceRuntime runtime)
    {
        _runtime = runtime;
        _random = new Random(runtime.Seed ^ 0x5EED);
        _started = runtime.Time.GetUtcNow();
        Receive<Inbound>(m => _model.Forward(m));
        Receive<InjectFault>(m => _model.Forward(m));
        Receive<FaultClock>(_ => PlayFaults());
    }

    protected override void PreStart()
    {
        _model = Context.ActorOf(Props.Create(() => new ModelActor(_runtime)), "model");
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

    protected override SupervisorStrategy GetSupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 20, withinTimeRange: TimeSpan.FromMinutes(1), _ => Directive.Restart, whenBudgetExceeded: Directive.Stop);

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
