using System.Text.Json.Serialization;

namespace Fleet.Shared.Models;

/// <summary>What <see cref="ReferenceModels.WriteTo"/> wrote: generator version, files with SHA-256, and model quality.</summary>
public sealed record ReferenceManifest(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("generator")] string Generator,
    [property: JsonPropertyName("files")] IReadOnlyDictionary<string, string> FileSha256,
    [property: JsonPropertyName("relativeError")] IReadOnlyDictionary<string, float> RelativeError);
