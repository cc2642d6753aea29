using Fleet.Device.Inference;
using Fleet.Device.Storage;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing.Rungs;

/// <summary>
/// The rungs that start a new host from a verified package in the store: reload the running version, roll back
/// to known-good, the safety model, the factory default.
/// </summary>
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

        var (host, problem) = ModelCatalog.Start(context.Catalog.Load(key), source);
        return host is null ? RungAttempt.Failed(problem ?? "unknown") : RungAttempt.Replaced(host, $"loaded {key} from the store");
    }

    private static string? Pointer(HealContext context, StorePointer pointer) =>
        context.Catalog.Store.ReadPointer(pointer) is { IsSuccess: true } p ? p.Value : null;
}
