using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>
/// A provisioned device's <c>device.json</c>: exactly the agent's configuration format (Fleet.Device's
/// <c>DeviceOptions</c>, keys documented in provisioning/raspberry-pi.md), which refuses unknown keys, so only keys
/// the agent reads are written. File paths are relative to <c>device.json</c>: the bundle's files sit next to it.
/// </summary>
internal sealed record DeviceConfig(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("brokerHost")] string BrokerHost,
    [property: JsonPropertyName("brokerPort")] int BrokerPort,
    [property: JsonPropertyName("shardCount")] int ShardCount,
    [property: JsonPropertyName("fleetKeyPath")] string FleetKeyPath)
{
    /// <summary><c>true</c> for the managed broker's TLS listener (verified with <see cref="CaFile"/>); absent otherwise.</summary>
    [JsonPropertyName("tls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Tls { get; init; }

    [JsonPropertyName("caFile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CaFile { get; init; }

    [JsonPropertyName("clientCertificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientCertificate { get; init; }

    [JsonPropertyName("clientKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientKey { get; init; }

    /// <summary>The device id, with <see cref="Password"/>; absent for a certificate (its CN is the username) or an anonymous broker.</summary>
    [JsonPropertyName("username")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; init; }
}
