using Fleet.Shared.Models.Packaging;

namespace Fleet.Device.Inference;

/// <summary>A package read from the store, or why it could not be.</summary>
internal sealed record CatalogLoad(ModelPackage? Package, string? Sha256, string? Key, string? Problem)
{
    public static CatalogLoad Failed(string problem) => new(null, null, null, problem);
}
