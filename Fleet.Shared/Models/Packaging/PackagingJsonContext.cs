using System.Text.Json.Serialization;

namespace Fleet.Shared.Models.Packaging;

/// <summary>Source-generated JSON for the model card.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ModelCard))]
internal sealed partial class PackagingJsonContext : JsonSerializerContext;
