using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>
/// What a device needs to join the fleet (the answer of <c>POST /api/v1/devices/{id}/provision</c>): its
/// configuration (<see cref="Config"/>, written verbatim as <c>device.json</c>) and the files it names
/// (<see cref="Files"/>: name → content, written next to it), plus what the operator is told (shard, credential
/// kind, gateway URL, and warnings about a bundle that will not connect as it is). The secret is in it once; the gateway keeps only a hash or nothing.
/// </summary>
internal sealed record DeviceBundle(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("credentials")] string Credentials,
    [property: JsonPropertyName("gatewayUrl")] string GatewayUrl,
    [property: JsonPropertyName("config")] DeviceConfig Config,
    [property: JsonPropertyName("files")] IReadOnlyDictionary<string, string> Files,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings)
{
    /// <summary>The name the configuration is written under; install.sh and the systemd unit expect it.</summary>
    public const string ConfigFileName = "device.json";

    public const string FleetKeyFileName = "fleet-key.pub.pem";
}
