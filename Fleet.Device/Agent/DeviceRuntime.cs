using System.Security.Cryptography;
using Fleet.Device.Hardware;
using Fleet.Device.Healing;
using Fleet.Device.Metrics;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Uplink;
using Microsoft.Extensions.Logging;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Everything one device's actors need, built by the runner.</summary>
internal sealed record DeviceRuntime(
    string DeviceId,
    string DataDirectory,
    WatchdogOptions Watchdog,
    RemediationOptions Remediation,
    TimeProvider Time,
    int Seed,
    DeviceUplink Uplink,
    ECDsa? FleetKey,
    HttpClient Http,
    IHardwareSensors Sensors,
    SimulatedSensors? SimulatedSensors,
    FaultSchedule Faults,
    double FramesPerSecond,
    int SoakWindows,
    int TelemetryEveryWindows,
    byte[]? FactoryPackage,
    ILogger Logger)
{
    public bool IsSimulated => SimulatedSensors is not null;

    /// <summary>Called after every tick that ran inferences (systemd watchdog pings follow real progress).</summary>
    public Action? Progress { get; init; }

    /// <summary>The model actor's restart budget.</summary>
    public AgentSupervision Supervision { get; init; } = AgentSupervision.Default;

    /// <summary>Prometheus metrics, when <c>--metrics-port</c> is set.</summary>
    public DeviceMetrics? Metrics { get; init; }

    /// <summary>The status LED, when <c>--status-led</c> is set and the pin could be opened.</summary>
    public StatusLed? StatusLed { get; init; }
}
