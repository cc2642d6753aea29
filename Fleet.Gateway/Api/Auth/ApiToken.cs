using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api.Auth;

/// <summary>A named API token as stored: only the SHA-256 of the secret is kept.</summary>
internal sealed record ApiToken(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] ApiRole Role,
    [property: JsonPropertyName("sha256")] string Sha256);
