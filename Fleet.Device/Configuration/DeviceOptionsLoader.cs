using System.Globalization;

namespace Fleet.Device.Configuration;

/// <summary>
/// Builds <see cref="DeviceOptions"/> from, in increasing precedence: a JSON file (<c>--config FILE</c> or
/// <c>FLEET_DEVICE_CONFIG</c>), <c>FLEET_DEVICE_*</c> environment variables, and the command line.
/// </summary>
internal static class DeviceOptionsLoader
{
    public const string Usage = """
        usage: fleet-device [--config FILE] [--device-id ID] [--broker HOST:PORT] [--data DIR] [--fleet-key PEM]
                            [--tls] [--ca FILE] [--cert FILE --key FILE] [--username U] [--password P] [--password-file FILE]
                            [--mqtt-version 5|311] [--shard-count N]
                            [--simulate N] [--faults SCHEDULE] [--id-prefix PREFIX] [--fps N]
                            [--window N] [--soak-windows N] [--factory-package FILE]
                            [--insight-noise none|laplace:SCALE|gaussian:SCALE]
                            [--i2c-sensor KIND:BUS:ADDRESS]... [--status-led PIN] [--metrics-port PORT]
                            [--log-dir DIR] [--log-file-bytes N] [--log-files N] [--ack-journal FILE]
               fleet-device --check-config [--config FILE] [options]
               fleet-device --version | --self-check | --help
          config file: JSON with the keys of provisioning/device.example.json (installed as /etc/fleet/device.example.json):
                       deviceId, brokerHost, brokerPort, shardCount, tls, caFile, clientCertificate, clientKey, username,
                       password, passwordFile, mqttVersion, dataDirectory, fleetKeyPath, factoryPackage, framesPerSecond,
                       windowSize, digestPeriodWindows, soakWindows, telemetryEveryWindows, insightNoise, i2cSensors,
                       statusLedPin, metricsPort, logDirectory, logFileBytes, logFiles, ackJournal (and simulate, faults, idPrefix,
                       sensorRoot for simulation). `fleet devices provision` writes this format. An unknown key or a value
                       of the wrong type stops the agent; relative paths in the file are relative to the file's directory.
                       The file is read first, then the environment, then the command line (the last one wins).
          environment: FLEET_DEVICE_CONFIG, FLEET_DEVICE_ID, FLEET_DEVICE_BROKER, FLEET_DEVICE_DATA, FLEET_DEVICE_FLEET_KEY,
                       FLEET_DEVICE_USERNAME, FLEET_DEVICE_PASSWORD, FLEET_DEVICE_PASSWORD_FILE,
                       FLEET_DEVICE_TLS, FLEET_DEVICE_CA,
                       FLEET_DEVICE_CERT, FLEET_DEVICE_KEY, FLEET_DEVICE_MQTT_VERSION, FLEET_DEVICE_SHARD_COUNT,
                       FLEET_DEVICE_SIMULATE, FLEET_DEVICE_FAULTS, FLEET_DEVICE_ID_PREFIX, FLEET_DEVICE_FPS,
                       FLEET_DEVICE_METRICS_PORT, FLEET_DEVICE_STATUS_LED, FLEET_DEVICE_LOG_DIR;
                       STATE_DIRECTORY (set by systemd's StateDirectory=, /var/lib/fleet in the unit) is the default data directory
          hardware:    --i2c-sensor bme280:1:0x76 (temperature) or ina219:1:0x40 (supply voltage), repeatable;
                       a sensor that does not answer is logged once and reported absent; the agent keeps running.
                       --status-led PIN blinks the health on a GPIO pin (BCM): healthy a short pulse every 2 s,
                       healing a fast blink, degraded a double flash
          metrics:     --metrics-port PORT serves Prometheus metrics on http://*:PORT/metrics (off by default)
          logs:        console, and JSON (CLEF) files in --log-dir (default DATA/logs) rolled daily and at
                       --log-file-bytes (default 10 MiB), the newest --log-files (default 10) kept
          tests:       --ack-journal FILE appends a line (device, kind, payload) for every event and report the broker
                       acknowledged, flushed at once, so a test can prove none of them is lost (off by default)
          checks:      --check-config loads the configuration as a start would, prints what it would run and exits 0,
                       or prints why it is unusable and exits 2 (install.sh runs it on a bundle before installing).
                       --version prints the agent's version and platform; --self-check runs a known-output model
                       through ONNX Runtime and exits 0 when it computes correctly, 3 when not
          faults:      bitflip[:sign|exponent|mantissa]@30s,drift[:pitch|energy|timbre]@60s,thermal@90s,corrupt-artifact@2m,crash@150s,quality@3m
                       or random:RATE (faults per device per minute); times count from the agent's start, and
                       no scheduled fault is injected before the device's watchdog has finished its warm-up
        """;

    /// <summary>The options, or the reason they are unusable, naming where the bad value came from (the caller exits with code 2).</summary>
    public static (DeviceOptions? Options, string? Problem) Load(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new DeviceOptions();
        // systemd's StateDirectory= (the unit's /var/lib/fleet) is the default state directory; the file and flags still win.
        if (environment("STATE_DIRECTORY") is { Length: > 0 } stateDirectory)
        {
            options.DataDirectory = stateDirectory.Split(':')[0];
        }

        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var configPath = environment("FLEET_DEVICE_CONFIG") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--config")
            {
                configPath = args[i + 1];
            }
        }

        if (configPath is not null)
        {
            var (keys, fileProblem) = DeviceConfigFile.Apply(configPath, options);
            if (fileProblem is not null)
            {
                return (null, fileProblem);
            }

            foreach (var key in keys!)
            {
                sources[key] = $"config file '{configPath}', key \"{key}\"";
            }
        }

        var values = new List<(string Flag, string Value, string Source)>();
        foreach (var setting in DeviceSetting.All.Where(s => s.Environment is not null))
        {
            if (environment(setting.Environment!) is { Length: > 0 } value)
            {
                values.Add((setting.Flag, value, setting.Environment!));
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--tls")
            {
                values.Add((arg, "true", arg));
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"unexpected argument '{arg}'");
            }

            if (arg != "--config" && DeviceSetting.All.All(s => s.Flag != arg))
            {
                var nearest = DeviceSetting.Nearest(arg, DeviceSetting.All.Select(s => s.Flag).Append("--config"));
                return (null, $"unknown option {arg}{(nearest is null ? "" : $"; did you mean {nearest}?")}");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{arg} needs a value");
            }

            values.Add((arg, args[++i], arg));
        }

        foreach (var (flag, value, source) in values)
        {
            var (next, problem) = Apply(options, flag, value);
            if (problem is not null)
            {
                return (null, $"{source}: {problem}");
            }

            options = next!;
            foreach (var key in DeviceSetting.All.FirstOrDefault(s => s.Flag == flag)?.Keys ?? [])
            {
                sources[key] = source;
            }
        }

        if (options.Problem() is { } invalid)
        {
            return (null, invalid.Key is null ? invalid.Message : $"{sources.GetValueOrDefault(invalid.Key, invalid.Key)}: {invalid.Message}");
        }

        if (options.FleetKeyPath is { } keyPath && FleetKeyProblem(keyPath) is { } keyProblem)
        {
            return (null, $"{sources.GetValueOrDefault("fleetKeyPath", "fleetKeyPath")}: {keyProblem}");
        }

        return (options, null);
    }

    /// <summary>One line on what the options run: the device(s), the broker and how they log in.</summary>
    public static string Describe(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var who = options.Simulate > 0 ? $"{options.Simulate} simulated devices ({options.IdPrefix}-001…)" : $"device {options.DeviceId}";
        var login = options.ClientCertificate is not null ? "client certificate"
            : options.PasswordFile is not null ? "password file"
            : options.Username is not null ? $"user {options.Username}" : "anonymous";
        return string.Create(CultureInfo.InvariantCulture,
            $"{who}, broker {options.BrokerHost}:{options.BrokerPort}{(options.Tls ? " (TLS)" : "")} as {login}, data in {Path.GetFullPath(options.DataDirectory)}, fleet key {options.FleetKeyPath ?? "none (model updates refused)"}");
    }

    /// <summary>Why the fleet key file cannot verify model signatures, if it cannot.</summary>
    private static string? FleetKeyProblem(string path)
    {
        try
        {
            using var key = Shared.Security.FleetKey.FromPem(File.ReadAllText(path));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return $"'{path}' is not the fleet's public key (a PEM ECDSA P-256 key, fleet-key.pub.pem in the bundle): {ex.Message}";
        }
    }

    private static (DeviceOptions?, string?) Apply(DeviceOptions o, string key, string value)
    {
        switch (key)
        {
            case "--config": return (o, null);
            case "--device-id": return (o with { DeviceId = value }, null);
            case "--data": return (o with { DataDirectory = value }, null);
            case "--fleet-key": return (o with { FleetKeyPath = value }, null);
            case "--username": return (o with { Username = value }, null);
            case "--password": return (o with { Password = value }, null);
            case "--password-file": return (o with { PasswordFile = value }, null);
            case "--ca": return (o with { CaFile = value, Tls = true }, null);
            case "--cert": return (o with { ClientCertificate = value, Tls = true }, null);
            case "--key": return (o with { ClientKey = value }, null);
            case "--mqtt-version": return (o with { MqttVersion = value }, null);
            case "--faults": return (o with { Faults = value }, null);
            case "--id-prefix": return (o with { IdPrefix = value }, null);
            case "--factory-package": return (o with { FactoryPackage = value }, null);
            case "--insight-noise": return (o with { InsightNoise = value }, null);
            case "--i2c-sensor": return (o with { I2cSensors = [.. o.I2cSensors, value] }, null);
            case "--log-dir": return (o with { LogDirectory = value }, null);
            case "--ack-journal": return (o with { AckJournal = value }, null);
            case "--status-led": return Int(value, v => o with { StatusLedPin = v });
            case "--metrics-port": return Int(value, v => o with { MetricsPort = v });
            case "--log-file-bytes":
                return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes)
                    ? (o with { LogFileBytes = bytes }, null)
                    : (null, $"'{value}' is not an integer");
            case "--tls": return bool.TryParse(value, out var tls) ? (o with { Tls = tls }, null) : (null, $"'{value}' is not true or false");
            case "--broker":
                var colon = value.LastIndexOf(':');
                return colon > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                    ? (o with { BrokerHost = value[..colon], BrokerPort = port }, null)
                    : (null, $"'{value}' is not HOST:PORT");
            case "--simulate": return Int(value, v => o with { Simulate = v });
            case "--window": return Int(value, v => o with { WindowSize = v });
            case "--soak-windows": return Int(value, v => o with { SoakWindows = v });
            case "--fps":
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var fps)
                    ? (o with { FramesPerSecond = fps }, null)
                    : (null, $"'{value}' is not a number");
            case "--shard-count": return Int(value, v => o with { ShardCount = v });
            case "--log-files": return Int(value, v => o with { LogFiles = v });
            default: return (null, $"unknown option {key}");
        }
    }

    private static (DeviceOptions?, string?) Int(string value, Func<int, DeviceOptions> with) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? (with(v), null) : (null, $"'{value}' is not an integer");
}
