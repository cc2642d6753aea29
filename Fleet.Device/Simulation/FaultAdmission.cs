namespace Fleet.Device.Simulation;

/// <summary>What <see cref="FaultGate"/> decided for a fault.</summary>
internal enum FaultAdmission
{
    Inject,

    /// <summary>Kept and injected once the watchdog is warm.</summary>
    Hold,

    Drop,
}
