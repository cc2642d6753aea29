namespace Fleet.Device.Configuration;

/// <summary>The agent's configuration: JSON file, then FLEET_DEVICE_* environment, then command line.</summary>
internal sealed record DeviceOptions
{
    public string? DeviceId { get; init; }

    public string BrokerHost { get; init; } = "127.0.0.1";

    public int BrokerPort { get; init; } = 1883;

    public string DataDirectory { get; init; } = "fleet-device-data";

    /// <summary>PEM of the fleet's public signing key; without it no model update is accepted.</summary>
    public string? FleetKeyPath { get; init; }

    public bool Tls { get; init; }

    public string? CaFile { get; init; }

    public string? ClientCertificate { get; init; }

    public string? ClientKey { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>0 = one real device; N = N simulated devices in this process.</summary>
    public int Simulate { get; init; }

    /// <summary>Fault schedule for simulated devices, e.g. <c>bitflip:exponent@30s,drift@60s</c> or <c>random:0.02</c>.</summary>
    public string? Faults { get; init; }

    public string IdPrefix { get; init; } = "sim";

    /// <summary>Inference frames per second per device.</summary>
    public double FramesPerSecond { get; init; } = 20;

    public int WindowSize { get; init; } = 100;

    public int DigestPeriodWindows { get; init; } = 1;

    /// <summary>Windows without a heal after which an update is committed as known-good.</summary>
    public int SoakWindows { get; init; } = 3;

    /// <summary>Telemetry every this many windows.</summary>
    public int TelemetryEveryWindows { get; init; } = 1;

    /// <summary>A model package to install as the factory default instead of the bundled reference vocoder.</summary>
    public string? FactoryPackage { get; init; }

    /// <summary>Root of the hardware sensor files (sysfs/procfs); simulated devices get their own.</summary>
    public string SensorRoot { get; init; } = "/";

    public string? Problem()
    {
        if (Simulate == 0 && DeviceId is null)
        {
            return "a device id is required (--device-id, FLEET_DEVICE_ID or deviceId in the config file)";
        }

        if (DeviceId is not null && Shared.Protocol.DeviceId.Problem(DeviceId) is { } idProblem)
        {
            return idProblem;
        }

        if (Simulate is < 0 or > 10_000)
        {
            return $"--simulate {Simulate} must be between 0 and 10000";
        }

        if (Simulate > 0 && Shared.Protocol.DeviceId.Problem(IdPrefix + "-1") is { } prefixProblem)
        {
            return $"--id-prefix: {prefixProblem}";
        }

        if (BrokerPort is < 1 or > 65535)
        {
            return $"broker port {BrokerPort} is out of range";
        }

        if (!(FramesPerSecond > 0 && FramesPerSecond <= 10_000))
        {
            return $"frames per second {FramesPerSecond} must be in (0, 10000]";
        }

        if (WindowSize < 10 || DigestPeriodWindows < 1 || SoakWindows < 1 || TelemetryEveryWindows < 1)
        {
            return "window size must be ≥ 10; digest period, soak and telemetry periods ≥ 1 window";
        }

        if (FleetKeyPath is not null && !File.Exists(FleetKeyPath))
        {
            return $"fleet key '{FleetKeyPath}' does not exist";
        }

        return null;
    }
}
