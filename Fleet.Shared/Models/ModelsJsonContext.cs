using System.Text.Json.Serialization;

namespace Fleet.Shared.Models;

/// <summary>Source-generated JSON for the reference-model artifacts.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(GoldenSet))]
[JsonSerializable(typeof(BaselineHistogram))]
[JsonSerializable(typeof(ReferenceManifest))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
