using System.Security.Cryptography;
using Fleet.Device.Inference;
using Fleet.Device.Storage;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing.Rungs;

/// <summary>
/// The rungs that start a new host from a verified package in the store: reload the running version, roll back
/// to known-good, the safety model, the factory default.
/// </summary>
/// <remarks>
/// Reload first checks the running version's artifact on disk; a damaged one is rewritten from the package the host
/// was loaded from (verified at load) when its bytes reproduce the recorded SHA-256, else the reload fails and the
/// ladder climbs on.
/// </remarks>
internal sealed class LoadRung(HealRung rung) : IRemediationRung
{
    public HealRung Rung { get; } = rung;

    public RungAttempt Apply(HealContext context)
    {
        var (key, source) = Rung switch
        {
            HealRung.Reload => (context.Host.StoreKey, context.Host.Source),
            HealRung.Rollback => (Pointer(context, StorePointer.KnownGood), ModelSource.KnownGood),
            HealRung.SafetyModel => (Pointer(context, StorePointer.Safety), ModelSource.Safety),
            HealRung.FactoryDefault => (Pointer(context, StorePointer.Factory), ModelSource.Factory),
            _ => throw new InvalidOperationException($"{Rung} does not load a package"),
        };

        if (key is null)
        {
            return RungAttempt.NotApplicable($"no {Rung} version is set");
        }

        if (Rung != HealRung.Reload && key == context.Host.StoreKey)
        {
            return RungAttempt.NotApplicable($"{key} is already running");
        }

        var repaired = Rung == HealRung.Reload ? RepairArtifact(context) : null;
        var (host, problem) = ModelCatalog.Start(context.Catalog.Load(key), source);
        var prefix = repaired is null ? "" : repaired + "; ";
        return host is null ? RungAttempt.Failed(prefix + (problem ?? "unknown")) : RungAttempt.Replaced(host, $"{prefix}loaded {key} from the store");
    }

    private static string? RepairArtifact(HealContext context)
    {
        var store = context.Catalog.Store;
        var host = context.Host;
        if (store.VerifyArtifact(host.Sha256) is not { IsSuccess: false, Error.Kind: StoreErrorKind.Corrupt or StoreErrorKind.NotFound })
        {
            return null;
        }

        var bytes = ModelPackageWriter.Write(host.Package);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != host.Sha256)
        {
            return "the damaged artifact cannot be rebuilt from memory";
        }

        store.PutArtifact(bytes);
        return "rewrote the damaged artifact from the verified in-memory copy";
    }

    private static string? Pointer(HealContext context, StorePointer pointer) =>
        context.Catalog.Store.ReadPointer(pointer) is { IsSuccess: true } p ? p.Value : null;
}
