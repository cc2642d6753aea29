namespace Fleet.Device.Simulation;

/// <summary>
/// Whether a simulated fault is injected now, held for later or dropped. A fault injected while the watchdog is
/// still learning would be learned as the device's normal (drift absorbed into the input baseline, heat into the
/// latency history), so scheduled faults wait for the warm-up; random arrivals also wait for the previous fault to
/// be over, so each episode has one cause. Random arrivals also skip a device soaking an update: a heal during the
/// soak rolls the update back and fails it in its rollout, so background noise would be blamed on a good version
/// (the demo's canary was rolled back by a random fault). A bad update still fails by itself.
/// </summary>
internal static class FaultGate
{
    public static FaultAdmission Admit(FaultOrigin origin, bool watchdogWarm, bool faultInProgress, bool updateSoaking = false) => origin switch
    {
        FaultOrigin.Command => FaultAdmission.Inject,
        _ when !watchdogWarm => origin == FaultOrigin.Planned ? FaultAdmission.Hold : FaultAdmission.Drop,
        FaultOrigin.Random when faultInProgress || updateSoaking => FaultAdmission.Drop,
        _ => FaultAdmission.Inject,
    };
}
