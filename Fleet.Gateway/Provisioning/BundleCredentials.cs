using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>Username/password credentials in a bundle (username = device id).</summary>
internal sealed record BundleCredentials(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("username")] string UserName,
    [property: JsonPropertyName("password")] string Password);
