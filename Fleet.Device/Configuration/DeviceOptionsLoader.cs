using System.Globalization;
using System.Text.Json;

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
                            [--mqtt-version 5|311]
                            [--simulate N] [--faults SCHEDULE] [--id-prefix PREFIX] [--fps N]
                            [--window N] [--soak-windows N] [--factory-package FILE]
                            [--insight-noise none|laplace:SCALE|gaussian:SCALE]
                            [--i2c-sensor KIND:BUS:ADDRESS]... [--status-led PIN] [--metrics-port PORT]
                            [--log-dir DIR] [--log-file-bytes N] [--log-files N]
               fleet-device --version | --self-check | --help
          environment: FLEET_DEVICE_ID, FLEET_DEVICE_BROKER, FLEET_DEVICE_DATA, FLEET_DEVICE_FLEET_KEY,
                       FLEET_DEVICE_USERNAME, FLEET_DEVICE_PASSWORD, FLEET_DEVICE_PASSWORD_FILE,
                       FLEET_DEVICE_TLS, FLEET_DEVICE_CA,
                       FLEET_DEVICE_CERT, FLEET_DEVICE_KEY, FLEET_DEVICE_MQTT_VERSION,
                       FLEET_DEVICE_SIMULATE, FLEET_DEVICE_FAULTS, FLEET_DEVICE_ID_PREFIX, FLEET_DEVICE_FPS,
                       FLEET_DEVICE_METRICS_PORT, FLEET_DEVICE_STATUS_LED, FLEET_DEVICE_LOG_DIR
          hardware:    --i2c-sensor bme280:1:0x76 (temperature) or ina219:1:0x40 (supply voltage), repeatable;
                       a sensor that does not answer is logged once and reported absent; the agent keeps running.
                       --status-led PIN blinks the health on a GPIO pin (BCM): healthy a short pulse every 2 s,
                       healing a fast blink, degraded a double flash
          metrics:     --metrics-port PORT serves Prometheus metrics on http://*:PORT/metrics (off by default)
          logs:        console, and JSON (CLEF) files in --log-dir (default DATA/logs) rolled daily and at
                       --log-file-bytes (default 10 MiB), the newest --log-files (default 10) kept
          checks:      --version prints the agent's version and platform; --self-check runs a known-output model
                       through ONNX Runtime and exits 0 when it computes correctly, 3 when not
          faults:      bitflip[:sign|exponent|mantissa]@30s,drift[:pitch|energy|timbre]@60s,thermal@90s,corrupt-artifact@2m,crash@150s,quality@3m
                       or random:RATE (faults per device per minute); times count from the agent's start, and
                       no scheduled fault is injected before the device's watchdog has finished its warm-up
        """;

    /// <summary>The options, or the reason they are unusable (the caller exits with code 2).</summary>
    public static (DeviceOptions? Options, string? Problem) Load(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new DeviceOptions();
        var configPath = environment("FLEET_DEVICE_CONFIG");
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--config")
            {
                configPath = args[i + 1];
            }
        }

        if (configPath is not null)
        {
            try
            {
                options = JsonSerializer.Deserialize(File.ReadAllBytes(configPath), ConfigurationJsonContext.Default.DeviceOptions) ?? options;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                return (null, $"config file '{configPath}': {ex.Message}");
            }
        }

        var values = new List<(string Key, string Value, string Source)>();
        foreach (var (variable, key) in new[]
        {
            ("FLEET_DEVICE_ID", "--device-id"), ("FLEET_DEVICE_BROKER", "--broker"), ("FLEET_DEVICE_DATA", "--data"),
            ("FLEET_DEVICE_FLEET_KEY", "--fleet-key"), ("FLEET_DEVICE_USERNAME", "--username"), ("FLEET_DEVICE_PASSWORD", "--password"),
            ("FLEET_DEVICE_PASSWORD_FILE", "--password-file"),
            ("FLEET_DEVICE_TLS", "--tls"), ("FLEET_DEVICE_CA", "--ca"), ("FLEET_DEVICE_CERT", "--cert"), ("FLEET_DEVICE_KEY", "--key"),
            ("FLEET_DEVICE_MQTT_VERSION", "--mqtt-version"), ("FLEET_DEVICE_SIMULATE", "--simulate"),
            ("FLEET_DEVICE_FAULTS", "--faults"), ("FLEET_DEVICE_ID_PREFIX", "--id-prefix"), ("FLEET_DEVICE_FPS", "--fps"),
            ("FLEET_DEVICE_METRICS_PORT", "--metrics-port"), ("FLEET_DEVICE_STATUS_LED", "--status-led"), ("FLEET_DEVICE_LOG_DIR", "--log-dir"),
        })
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                values.Add((key, value, variable));
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

            if (i + 1 >= args.Count)
            {
                return (null, $"{arg} needs a value");
            }

            values.Add((arg, args[++i], arg));
        }

        foreach (var (key, value, source) in values)
        {
            var (next, problem) = Apply(options, key, value);
            if (problem is not null)
            {
                return (null, $"{source}: {problem}");
            }

            options = next!;
        }

        return options.Problem() is { } invalid ? (null, invalid) : (options, null);
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
            case "--status-led": return Int(value, v => o with { StatusLedPin = v });
            case "--metrics-port": return Int(value, v => o with { MetricsPort = v });
            case "--log-files": return Int(value, v => o with { LogFiles = v });
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
            default: return (null, $"unknown option {key}");
        }
    }

    private static (DeviceOptions?, string?) Int(string value, Func<int, DeviceOptions> with) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? (with(v), null) : (null, $"'{value}' is not an integer");
}
