using System.Text.Json.Serialization;

namespace Fleet.Device.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(StoredVersion))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
