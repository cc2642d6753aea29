namespace Fleet.Device.Configuration;

/// <summary>
/// One agent setting under its three names: the configuration file's key, the command-line flag and the
/// <c>FLEET_DEVICE_*</c> environment variable (either may be absent). A flag may set more than one key
/// (<c>--broker</c> sets <c>brokerHost</c> and <c>brokerPort</c>).
/// </summary>
internal sealed record DeviceSetting(string Flag, string? Environment, params string[] Keys)
{
    /// <summary>Every flag and variable; the file's keys are <see cref="DeviceOptions"/>' properties (see <see cref="DeviceConfigFile"/>).</summary>
    public static readonly IReadOnlyList<DeviceSetting> All =
    [
        new("--device-id", "FLEET_DEVICE_ID", "deviceId"),
        new("--broker", "FLEET_DEVICE_BROKER", "brokerHost", "brokerPort"),
        new("--data", "FLEET_DEVICE_DATA", "dataDirectory"),
        new("--fleet-key", "FLEET_DEVICE_FLEET_KEY", "fleetKeyPath"),
        new("--username", "FLEET_DEVICE_USERNAME", "username"),
        new("--password", "FLEET_DEVICE_PASSWORD", "password"),
        new("--password-file", "FLEET_DEVICE_PASSWORD_FILE", "passwordFile"),
        new("--tls", "FLEET_DEVICE_TLS", "tls"),
        new("--ca", "FLEET_DEVICE_CA", "caFile", "tls"),
        new("--cert", "FLEET_DEVICE_CERT", "clientCertificate", "tls"),
        new("--key", "FLEET_DEVICE_KEY", "clientKey"),
        new("--mqtt-version", "FLEET_DEVICE_MQTT_VERSION", "mqttVersion"),
        new("--shard-count", "FLEET_DEVICE_SHARD_COUNT", "shardCount"),
        new("--simulate", "FLEET_DEVICE_SIMULATE", "simulate"),
        new("--faults", "FLEET_DEVICE_FAULTS", "faults"),
        new("--id-prefix", "FLEET_DEVICE_ID_PREFIX", "idPrefix"),
        new("--fps", "FLEET_DEVICE_FPS", "framesPerSecond"),
        new("--window", null, "windowSize"),
        new("--soak-windows", null, "soakWindows"),
        new("--factory-package", null, "factoryPackage"),
        new("--insight-noise", null, "insightNoise"),
        new("--i2c-sensor", null, "i2cSensors"),
        new("--status-led", "FLEET_DEVICE_STATUS_LED", "statusLedPin"),
        new("--metrics-port", "FLEET_DEVICE_METRICS_PORT", "metricsPort"),
        new("--log-dir", "FLEET_DEVICE_LOG_DIR", "logDirectory"),
        new("--log-file-bytes", null, "logFileBytes"),
        new("--log-files", null, "logFiles"),
        new("--ack-journal", null, "ackJournal"),
    ];

    /// <summary>The flag setting <paramref name="key"/>, for messages (<c>null</c> when only the file has it).</summary>
    public static string? FlagOf(string key) => All.FirstOrDefault(s => s.Keys[0] == key)?.Flag;

    /// <summary>The candidate nearest to <paramref name="name"/> (ignoring case): one it begins or ends a prefix of, else the closest spelling when close enough to be a likely misspelling.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var lower = name.ToLowerInvariant();
        // A key typed short or with a tail ("fleetKey" for "fleetKeyPath") is a likelier mistake than any spelling.
        var prefixed = candidates.Where(c => c.ToLowerInvariant() is var other && other.Length > 2 && lower.Length > 2 && (other.StartsWith(lower, StringComparison.Ordinal) || lower.StartsWith(other, StringComparison.Ordinal)))
            .OrderBy(c => Math.Abs(c.Length - name.Length)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
        if (prefixed is not null)
        {
            return prefixed;
        }

        var best = candidates
            .Select(c => (Candidate: c, Distance: EditDistance(lower, c.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, name.Length / 3) ? best.Candidate : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
