using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>
/// What a device needs to join the fleet, written by <c>fleet devices provision</c> as <c>device.json</c>:
/// its id, where the broker is, its credentials (shown once) and the fleet key that signs models.
/// </summary>
internal sealed record DeviceBundle(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("shardCount")] int ShardCount,
    [property: JsonPropertyName("broker")] BundleBroker Broker,
    [property: JsonPropertyName("credentials")] BundleCredentials? Credentials,
    [property: JsonPropertyName("gatewayUrl")] string GatewayUrl,
    [property: JsonPropertyName("fleetPublicKey")] string FleetPublicKey);
