using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Device.Configuration;

/// <summary>
/// Reads the agent's JSON configuration file strictly: every key must be one of <see cref="DeviceOptions"/>' settings
/// (an unknown or misspelled key is refused, naming the nearest valid one), every value must have the setting's
/// type, and a key may appear once. Relative paths in the file are relative to the file's directory, so a
/// provisioning bundle (<c>device.json</c> next to <c>fleet-key.pub.pem</c>) works wherever it is copied.
/// </summary>
internal static class DeviceConfigFile
{
    /// <summary>Keys whose values are file or directory paths.</summary>
    private static readonly HashSet<string> PathKeys = new(StringComparer.Ordinal)
    {
        "dataDirectory", "fleetKeyPath", "caFile", "clientCertificate", "clientKey", "passwordFile", "factoryPackage", "sensorRoot", "logDirectory", "ackJournal",
    };

    /// <summary>What to say about keys of the bundles older gateways wrote (nested, with the key inline).</summary>
    private static readonly Dictionary<string, string> FormerKeys = new(StringComparer.Ordinal)
    {
        ["broker"] = "the broker is \"brokerHost\", \"brokerPort\" and \"tls\"",
        ["credentials"] = "credentials are \"username\" and \"password\", or \"clientCertificate\", \"clientKey\" and \"caFile\"",
        ["fleetPublicKey"] = "the fleet key is a file: \"fleetKeyPath\"",
        ["gatewayUrl"] = "the agent talks to the broker only",
        ["shard"] = "the agent computes its shard from its id and \"shardCount\"",
        ["v"] = "the file has no version key",
    };

    private static readonly JsonDocumentOptions Parsing = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The file's keys: the settable properties of <see cref="DeviceOptions"/> under their JSON names.</summary>
    public static IReadOnlyDictionary<string, JsonPropertyInfo> Keys { get; } = ConfigurationJsonContext.Default.DeviceOptions.Properties
        .Where(p => p.Set is not null)
        .ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Applies the file at <paramref name="path"/> to <paramref name="options"/>; returns the keys it set, or why it is unusable.</summary>
    public static (IReadOnlyList<string>? Keys, string? Problem) Apply(string path, DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = $"config file '{path}'";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), Parsing);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{where}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return (null, $"{where} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, $"{where}: expected a JSON object of settings ({{\"deviceId\": …}}), found {Describe(document.RootElement)}");
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var set = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Keys.TryGetValue(property.Name, out var info))
                {
                    return (null, $"{where}: unknown key \"{property.Name}\"{Hint(property.Name)}");
                }

                if (set.Contains(property.Name))
                {
                    return (null, $"{where}: key \"{property.Name}\" appears twice");
                }

                var (value, problem) = Convert(property.Value, info);
                if (problem is not null)
                {
                    return (null, $"{where}: key \"{property.Name}\": {problem}");
                }

                if (value is string text && PathKeys.Contains(property.Name))
                {
                    value = Path.GetFullPath(text, directory);
                }

                info.Set!(options, value);
                set.Add(property.Name);
            }

            return (set, null);
        }
    }

    private static string Hint(string name)
    {
        if (FormerKeys.TryGetValue(name, out var former))
        {
            return $" ({former}; a bundle from an older gateway: provision the device again with 'fleet devices provision ID --rotate')";
        }

        return DeviceSetting.Nearest(name, Keys.Keys) is { } nearest
            ? $"; did you mean \"{nearest}\"?"
            : "; fleet-device --help and /etc/fleet/device.example.json (provisioning/device.example.json) list the keys";
    }

    /// <summary>The value as the setting's type, or what is wrong with it.</summary>
    private static (object? Value, string? Problem) Convert(JsonElement value, JsonPropertyInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.PropertyType) ?? info.PropertyType;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return info.IsSetNullable ? (null, null) : (null, $"expected {Expected(type)}, found null (leave the key out for the default)");
        }

        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? (value.GetString(), null) : (null, $"expected {Expected(type)}, found {Describe(value)}");
        }

        if (type == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? (value.GetBoolean(), null) : (null, $"expected {Expected(type)}, found {Describe(value)}");
        }

        if (type == typeof(int))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? (i, null) : (null, $"expected {Expected(type)}, found {Describe(value)}");
        }

        if (type == typeof(long))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? (l, null) : (null, $"expected {Expected(type)}, found {Describe(value)}");
        }

        if (type == typeof(double))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? (d, null) : (null, $"expected {Expected(type)}, found {Describe(value)}");
        }

        if (type == typeof(IReadOnlyList<string>))
        {
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                return (null, $"expected {Expected(type)}, found {Describe(value)}");
            }

            return (value.EnumerateArray().Select(e => e.GetString()!).ToList(), null);
        }

        throw new InvalidOperationException($"configuration key {info.Name} has a type the file reader does not know: {type}");
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "a whole number"
        : type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a finite number"
        : "an array of strings";

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        text = text.Length > 40 ? text[..40] + "…" : text;
        return value.ValueKind switch
        {
            JsonValueKind.String => $"the string {text}",
            JsonValueKind.Number => $"the number {text}",
            JsonValueKind.True or JsonValueKind.False => text,
            JsonValueKind.Null => "null",
            JsonValueKind.Array => $"an array {text}",
            _ => $"an object {text}",
        };
    }
}
