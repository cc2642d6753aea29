using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>desired.model</c>: the model a device should run and how to verify it.</summary>
public sealed record ModelManifest
{
    /// <summary>Model id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Model version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Where to download the artifact.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>Lower-case hex SHA-256 of the artifact.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    /// <summary>Base64 ECDSA P-256 signature (IEEE P1363) over the SHA-256.</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>Whether installing a version older than the installed one is allowed.</summary>
    [JsonPropertyName("allowRollback")]
    public bool AllowRollback { get; init; }
}
