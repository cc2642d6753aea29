namespace Fleet.Shared.Protocol;

/// <summary>A device's own view of its model (<c>report.health</c>).</summary>
public enum DeviceHealth
{
    /// <summary><c>healthy</c>.</summary>
    Healthy = 1,

    /// <summary><c>degraded</c>: a watchdog trigger, not yet healing.</summary>
    Degraded,

    /// <summary><c>healing</c>: climbing the remediation ladder.</summary>
    Healing,

    /// <summary><c>unhealable</c>: the ladder is exhausted; the gateway must act.</summary>
    Unhealable,
}
