using Fleet.Shared.Protocol;

namespace Fleet.Device.Hardware;

/// <summary>What the status LED says.</summary>
internal enum LedSignal
{
    /// <summary>Serving its model, nothing latched.</summary>
    Healthy,

    /// <summary>Climbing the ladder, or serving a fallback until a passing cause (heat, drifted inputs) ends.</summary>
    Healing,

    /// <summary>A latched trigger the device could not clear, or the ladder is exhausted.</summary>
    Degraded,
}

internal static class LedSignals
{
    /// <param name="health">The health the device reports.</param>
    /// <param name="recovering">Whether it serves a fallback that ends by itself when the cause passes.</param>
    public static LedSignal From(DeviceHealth health, bool recovering) => health switch
    {
        DeviceHealth.Unhealable => LedSignal.Degraded,
        DeviceHealth.Healing => LedSignal.Healing,
        _ when recovering => LedSignal.Healing,
        DeviceHealth.Degraded => LedSignal.Degraded,
        _ => LedSignal.Healthy,
    };
}
