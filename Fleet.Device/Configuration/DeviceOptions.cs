namespace Fleet.Device.Configuration;

/// <summary>The agent's configuration: JSON file, then FLEET_DEVICE_* environment, then command line.</summary>
/// <remarks>Settable (not init) so the source-generated JSON reader keeps the defaults of absent properties.</remarks>
internal sealed record DeviceOptions
{
    public string? DeviceId { get; set; }

    public string BrokerHost { get; set; } = "127.0.0.1";

    public int BrokerPort { get; set; } = 1883;

    /// <summary>Shards the gateway divides devices into (its <c>Fleet:ShardCount</c>); the shard is part of every topic a device publishes on.</summary>
    public int ShardCount { get; set; } = Shared.Protocol.Sharding.DefaultShardCount;

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

    /// <summary>
    /// A file where every event and report the broker acknowledged is recorded (device, kind, payload), for tests that
    /// check nothing acknowledged was lost; off by default.
    /// </summary>
    public string? AckJournal { get; set; }

    /// <summary>The log directory in force.</summary>
    public string LogDirectoryInForce() => LogDirectory ?? Path.Combine(DataDirectory, "logs");

    /// <summary>Ids of the devices these options run: the one device, or <c>{prefix}-001</c>… when simulating.</summary>
    public IReadOnlyList<string> DeviceIds() => Simulate == 0
        ? [DeviceId!]
        : [.. Enumerable.Range(1, Simulate).Select(i => $"{IdPrefix}-{i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)}")];

    /// <summary>
    /// What is wrong with these options, if anything: the setting at fault (its file key, so the loader can name where
    /// the value came from; <c>null</c> when a setting is missing) and why.
    /// </summary>
    public (string? Key, string Message)? Problem()
    {
        if (Simulate == 0 && DeviceId is null)
        {
            return (null, "a device id is required (deviceId in the config file, FLEET_DEVICE_ID or --device-id)");
        }

        if (DeviceId is not null && Shared.Protocol.DeviceId.Problem(DeviceId) is { } idProblem)
        {
            return ("deviceId", $"'{DeviceId}': {idProblem}");
        }

        if (Simulate is < 0 or > 10_000)
        {
            return ("simulate", $"{Simulate} must be between 0 and 10000");
        }

        if (Simulate > 0 && Shared.Protocol.DeviceId.Problem(IdPrefix + "-1") is { } prefixProblem)
        {
            return ("idPrefix", prefixProblem);
        }

        if (string.IsNullOrWhiteSpace(BrokerHost))
        {
            return ("brokerHost", "the broker's host name is empty");
        }

        if (BrokerPort is < 1 or > 65535)
        {
            return ("brokerPort", $"{BrokerPort} is not a port (1-65535)");
        }

        if (ShardCount is < 1 or > 4096)
        {
            return ("shardCount", $"{ShardCount} must be between 1 and 4096 (the gateway's Fleet:ShardCount)");
        }

        if (!(FramesPerSecond > 0 && FramesPerSecond <= 10_000))
        {
            return ("framesPerSecond", $"{FramesPerSecond} must be in (0, 10000]");
        }

        // The watchdog samples one inference in 8 and needs at least 10 samples per window.
        if (WindowSize < MinimumWindowSize)
        {
            return ("windowSize", $"{WindowSize} is too small: at least {MinimumWindowSize} inferences (statistics sample 1 in 8, at least 10 per window)");
        }

        foreach (var (key, windows) in new[] { ("digestPeriodWindows", DigestPeriodWindows), ("soakWindows", SoakWindows), ("telemetryEveryWindows", TelemetryEveryWindows) })
        {
            if (windows < 1)
            {
                return (key, $"{windows} must be at least 1 window");
            }
        }

        if (Healing.InsightNoiseOptions.Parse(InsightNoise).Problem is { } noiseProblem)
        {
            return ("insightNoise", noiseProblem);
        }

        foreach (var sensor in I2cSensors)
        {
            if (Hardware.BoardSensorSpec.Parse(sensor).Problem is { } sensorProblem)
            {
                return ("i2cSensors", sensorProblem);
            }
        }

        if (StatusLedPin is < 0 or > 1023)
        {
            return ("statusLedPin", $"{StatusLedPin} is not a GPIO pin number (0-1023)");
        }

        if (StatusLedPin is not null && Simulate > 0)
        {
            return ("statusLedPin", "a status LED shows one device's health; it does not go with --simulate");
        }

        if (MetricsPort is < 1 or > 65535)
        {
            return ("metricsPort", $"{MetricsPort} is not a port (1-65535)");
        }

        if (LogFileBytes < 1024)
        {
            return ("logFileBytes", $"{LogFileBytes} is too small: a log file must be allowed at least 1024 bytes");
        }

        if (LogFiles < 1)
        {
            return ("logFiles", $"{LogFiles}: at least one log file must be kept");
        }

        if (!MqttVersionKnown)
        {
            return ("mqttVersion", $"'{MqttVersion}' is not 5 or 311");
        }

        if ((ClientCertificate is null) != (ClientKey is null))
        {
            return (ClientCertificate is null ? "clientKey" : "clientCertificate", "a client certificate needs its key and a key its certificate (clientCertificate and clientKey, or --cert FILE --key FILE)");
        }

        foreach (var (key, file) in new[] { ("fleetKeyPath", FleetKeyPath), ("caFile", CaFile), ("clientCertificate", ClientCertificate), ("clientKey", ClientKey), ("passwordFile", PasswordFile), ("factoryPackage", FactoryPackage) })
        {
            if (file is not null && !File.Exists(file))
            {
                return (key, $"file '{file}' does not exist");
            }
        }

        return null;
    }

    /// <summary>Whether <see cref="MqttVersion"/> names MQTT 3.1.1 (else 5); the uplink builds its connection from it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsMqtt311 => MqttVersion is "311" or "3.1.1";

    private bool MqttVersionKnown => MqttVersion is "5" or "5.0" || IsMqtt311;
}
