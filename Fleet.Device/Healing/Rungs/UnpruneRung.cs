using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing.Rungs;

/// <summary>
/// For a pruned model: swaps in the dense weights of its parent version (kept in the store) for the masked
/// layers and the biases trained with them; the session is not rebuilt.
/// </summary>
internal sealed class UnpruneRung : IRemediationRung
{
    public HealRung Rung => HealRung.Unprune;

    public RungAttempt Apply(HealContext context)
    {
        var package = context.Host.Package;
        if (package.Mask is not { } mask)
        {
            return RungAttempt.NotApplicable("the running model is not pruned");
        }

        if (context.Host.UnprunedFrom is { } adopted)
        {
            return RungAttempt.NotApplicable($"critical layers already restored dense from {adopted}");
        }

        if (package.Card.Parent is not { } parent)
        {
            return RungAttempt.Failed("the pruned model names no dense parent");
        }

        var load = context.Catalog.Load($"{package.Card.Id}+{parent}");
        if (load.Package is null)
        {
            return RungAttempt.Failed($"the dense parent {parent} is unavailable: {load.Problem}");
        }

        return context.Host.AdoptDense(load.Package, mask) is { } problem
            ? RungAttempt.Failed(problem)
            : RungAttempt.InPlace($"un-pruned {mask.TensorNames.Count()} layer(s) from dense {parent}; still serving {package.Card.ModelVersion}");
    }
}
