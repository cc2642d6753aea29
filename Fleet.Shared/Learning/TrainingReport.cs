namespace Fleet.Shared.Learning;

/// <summary>What a training run did: the mean loss of every epoch.</summary>
public sealed record TrainingReport(IReadOnlyList<float> EpochLosses)
{
    /// <summary>Mean loss of the last epoch.</summary>
    public float FinalLoss => EpochLosses.Count == 0 ? float.NaN : EpochLosses[^1];
}
