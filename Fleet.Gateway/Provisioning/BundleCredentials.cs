using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>
/// A device's broker credentials in its bundle: <c>password</c> (username = device id) or
/// <c>certificate</c> (client certificate with CN = device id, its key and the fleet CA, all PEM).
/// </summary>
internal sealed record BundleCredentials(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("username")] string UserName,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("certificate")] string? Certificate = null,
    [property: JsonPropertyName("privateKey")] string? PrivateKey = null,
    [property: JsonPropertyName("ca")] string? Ca = null);
