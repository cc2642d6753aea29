using Fleet.Shared.Models.Packaging;

namespace Fleet.Device.Updates;

/// <summary>A model update that passed every check and sits in the weight store, or why it was refused.</summary>
internal sealed record StagedUpdate(long DesiredVersion, ModelPackage? Package, string? StoreKey, string? Refusal)
{
    public bool IsStaged => Package is not null;

    public static StagedUpdate Refused(long desiredVersion, string reason) => new(desiredVersion, null, null, reason);
}
