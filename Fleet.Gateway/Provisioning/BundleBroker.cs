using System.Text.Json.Serialization;

namespace Fleet.Gateway.Provisioning;

/// <summary>The broker endpoint in a bundle; <see cref="Tls"/> means the managed broker's TLS listener (verify it with the bundle's <c>ca</c>).</summary>
internal sealed record BundleBroker(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("tls")] bool Tls = false);
