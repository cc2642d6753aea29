using Fleet.Gateway.Store.Models;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Registry;

/// <summary>The one place a registry record becomes the <c>desired.model</c> manifest a device verifies and downloads.</summary>
internal static class ModelManifests
{
    /// <summary>
    /// The manifest for <paramref name="model"/>, its artifact at <paramref name="artifactUrl"/>(id, version); null when
    /// the version carries no signature (it was not registered through the registry, so no device would accept it).
    /// </summary>
    public static ModelManifest? For(ModelRecord model, Func<string, string, string> artifactUrl, bool allowRollback)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(artifactUrl);
        return model.Signature is not { } signature
            ? null
            : new ModelManifest
            {
                Id = model.ModelId,
                Version = model.Version,
                Url = artifactUrl(model.ModelId, model.Version),
                Sha256 = model.Sha256,
                Signature = signature,
                AllowRollback = allowRollback,
            };
    }
}
