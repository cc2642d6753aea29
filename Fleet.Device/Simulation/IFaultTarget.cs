using Fleet.Device.Inference;

namespace Fleet.Device.Simulation;

/// <summary>The parts of a running device a <see cref="FaultInjector"/> reaches: its model, its input and its compute delay.</summary>
internal interface IFaultTarget
{
    /// <summary>The running model (live weights, the golden snapshot, its store key).</summary>
    ModelHost Host { get; }

    /// <summary>The control stream the model is fed (drift faults offset it).</summary>
    ControlStream Input { get; }

    /// <summary>Extra latency per inference in microseconds (thermal faults).</summary>
    double InjectedLatencyUs { get; set; }
}
