namespace Fleet.Device.Configuration;

/// <summary>The agent's configuration: JSON file, then FLEET_DEVICE_* environment, then command line.</summary>
/// <remarks>Settable (not init) so the source-generated JSON reader keeps the defaults of absent properties.</remarks>
internal sealed record DeviceOptions
{
    public string? DeviceId { get; set; }

    public string BrokerHost { get; set; } = "127.0.0.1";

    public int BrokerPort { get; set; } = 1883;

    public string DataDirectory { get; set; } = "fleet-device-data";

    /// <summary>PEM of the fleet's public signing key; without it no model update is accepted.</summary>
    public string? FleetKeyPath { get; set; }

    public bool Tls { get; set; }

    public string? CaFile { get; set; }

    public string? ClientCertificate { get; set; }

    public string? ClientKey { get; set; }

    public string? Username { get; set; }

    /// <summary>MQTT protocol: <c>5</c> (default) or <c>311</c> (3.1.1: commands are answered on <c>…/cmd-result</c>, see docs/PROTOCOL.md).</summary>
    public string MqttVersion { get; set; } = "5";

    public string? Password { get; set; }

    /// <summary>
    /// A file of <c>deviceId:password</c> lines (what provisioning issued): each device, simulated ones included, logs in
    /// as its own id with its own password, so the broker's per-device ACL applies to every one of them.
    /// </summary>
    public string? PasswordFile { get; set; }

    /// <summary>0 = one real device; N = N simulated devices in this process.</summary>
    public int Simulate { get; set; }

    /// <summary>Fault schedule for simulated devices, e.g. <c>bitflip:exponent@30s,drift@60s</c> or <c>random:0.02</c>.</summary>
    public string? Faults { get; set; }

    public string IdPrefix { get; set; } = "sim";

    /// <summary>Inference frames per second per device.</summary>
    public double FramesPerSecond { get; set; } = 20;

    public int WindowSize { get; set; } = 100;

    /// <summary>Smallest window the watchdog accepts: 10 samples at its 1-in-8 sampling.</summary>
    public const int MinimumWindowSize = 80;

    public int DigestPeriodWindows { get; set; } = 1;

    /// <summary>Windows without a heal after which an update is committed as known-good.</summary>
    public int SoakWindows { get; set; } = 3;

    /// <summary>Telemetry every this many windows.</summary>
    public int TelemetryEveryWindows { get; set; } = 1;

    /// <summary>A model package to install as the factory default instead of the bundled reference vocoder.</summary>
    public string? FactoryPackage { get; set; }

    /// <summary>Root of the hardware sensor files (sysfs/procfs); simulated devices get their own.</summary>
    public string SensorRoot { get; set; } = "/";

    /// <summary>Noise on the input sketches insights carry: <c>none</c> (default), <c>laplace:SCALE</c> or <c>gaussian:SCALE</c> (SCALE in histogram counts).</summary>
    public string? InsightNoise { get; set; }

    /// <summary>I²C sensors to read, each <c>KIND:BUS:ADDRESS</c> (<see cref="Hardware.BoardSensorSpec.Syntax"/>); none by default.</summary>
    public IReadOnlyList<string> I2cSensors { get; set; } = [];

    /// <summary>GPIO pin (BCM numbering) of a status LED; none by default.</summary>
    public int? StatusLedPin { get; set; }

    /// <summary>Port of the Prometheus endpoint (<c>/metrics</c>); off by default.</summary>
    public int? MetricsPort { get; set; }

    /// <summary>Directory of the rotating JSON log (<c>fleet-device-YYYYMMDD.clef</c>); default <c>{data}/logs</c>.</summary>
    public string? LogDirectory { get; set; }

    /// <summary>A log file rolls over at this size, and at midnight.</summary>
    public long LogFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Log files kept, the current one included.</summary>
    public int LogFiles { get; set; } = 10;

    /// <summary>The log directory in force.</summary>
    public string LogDirectoryInForce() => LogDirectory ?? Path.Combine(DataDirectory, "logs");

    /// <summary>Ids of the devices these options run: the one device, or <c>{prefix}-001</c>… when simulating.</summary>
    public IReadOnlyList<string> DeviceIds() => Simulate == 0
        ? [DeviceId!]
        : [.. Enumerable.Range(1, Simulate).Select(i => $"{IdPrefix}-{i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)}")];

    public string? Problem()
    {
        if (Simulate == 0 && DeviceId is null)
        {
            return "a device id is required (--device-id, FLEET_DEVICE_ID or deviceId in the config file)";
        }

        if (DeviceId is not null && Shared.Protocol.DeviceId.Problem(DeviceId) is { } idProblem)
        {
            return $"device id '{DeviceId}': {idProblem}";
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

        // The watchdog samples one inference in 8 and needs at least 10 samples per window.
        if (WindowSize < MinimumWindowSize || DigestPeriodWindows < 1 || SoakWindows < 1 || TelemetryEveryWindows < 1)
        {
            return $"window size must be ≥ {MinimumWindowSize} inferences (statistics sample 1 in 8, at least 10 per window); digest period, soak and telemetry periods ≥ 1 window";
        }

        if (Healing.InsightNoiseOptions.Parse(InsightNoise).Problem is { } noiseProblem)
        {
            return noiseProblem;
        }

        foreach (var sensor in I2cSensors)
        {
            if (Hardware.BoardSensorSpec.Parse(sensor).Problem is { } sensorProblem)
            {
                return $"--i2c-sensor: {sensorProblem}";
            }
        }

        if (StatusLedPin is < 0 or > 1023)
        {
            return $"--status-led {StatusLedPin} is not a GPIO pin number";
        }

        if (StatusLedPin is not null && Simulate > 0)
        {
            return "--status-led shows one device's health; it does not go with --simulate";
        }

        if (MetricsPort is < 1 or > 65535)
        {
            return $"--metrics-port {MetricsPort} is out of range";
        }

        if (LogFileBytes < 1024 || LogFiles < 1)
        {
            return "a log file must be allowed at least 1024 bytes (--log-file-bytes) and at least one file kept (--log-files)";
        }

        if (!MqttVersionKnown)
        {
            return $"MQTT version '{MqttVersion}' is not 5 or 311";
        }

        if ((ClientCertificate is null) != (ClientKey is null))
        {
            return "a client certificate needs its key and a key its certificate (--cert FILE --key FILE)";
        }

        if (FleetKeyPath is not null && !File.Exists(FleetKeyPath))
        {
            return $"fleet key '{FleetKeyPath}' does not exist";
        }

        return null;
    }

    /// <summary>Whether <see cref="MqttVersion"/> names MQTT 3.1.1 (else 5); the uplink builds its connection from it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsMqtt311 => MqttVersion is "311" or "3.1.1";

    private bool MqttVersionKnown => MqttVersion is "5" or "5.0" || IsMqtt311;
}
