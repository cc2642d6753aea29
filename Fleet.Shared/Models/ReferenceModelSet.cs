using Fleet.Shared.Learning;

namespace Fleet.Shared.Models;

/// <summary>The reference models: the vocoder, its smaller distilled safety variant, and a 50 % pruned variant with its mask.</summary>
public sealed record ReferenceModelSet(ReferenceModel Vocoder, ReferenceModel Safety, ReferenceModel Pruned, SparsityMask PrunedMask, TrainingSet TestSet)
{
    /// <summary>The three models in a fixed order.</summary>
    public IReadOnlyList<ReferenceModel> All => [Vocoder, Safety, Pruned];
}
