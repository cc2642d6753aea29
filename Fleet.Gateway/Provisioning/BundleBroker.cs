using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>The broker endpoint in a bundle.</summary>
internal sealed record BundleBroker(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port);
