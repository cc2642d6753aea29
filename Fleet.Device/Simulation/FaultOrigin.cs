namespace Fleet.Device.Simulation;

/// <summary>Who asked for a fault: the origin decides whether it waits for the watchdog's warm-up.</summary>
internal enum FaultOrigin
{
    /// <summary>The inject-fault command: injected at once, warm or not (the operator chose the moment).</summary>
    Command,

    /// <summary>A planned entry of the schedule: held until the watchdog is warm, then injected.</summary>
    Planned,

    /// <summary>A random arrival: dropped during warm-up, while another fault is still being handled, and while the heal budget would refuse.</summary>
    Random,
}
