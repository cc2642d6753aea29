namespace Fleet.Gateway.Distillation;

/// <summary>How a student is distilled from a teacher and the fleet's insights (<c>Fleet:Distillation</c>); validated on bind.</summary>
internal sealed record DistillationPolicy
{
    /// <summary>Training inputs sampled from the aggregated failing region.</summary>
    public int RegionSamples { get; init; } = 2000;

    /// <summary>Training inputs sampled uniformly from the normal operating range (the golden inputs' bounding box), so the student does not forget it.</summary>
    public int NormalSamples { get; init; } = 2000;

    /// <summary>Held-out samples of each kind the before/after metrics are measured on.</summary>
    public int EvaluationSamples { get; init; } = 400;

    public int Epochs { get; init; } = 30;

    public float LearningRate { get; init; } = 2e-3f;

    public float FinalLearningRate { get; init; } = 1e-4f;

    /// <summary>Weight of the teacher's outputs in the loss (the rest goes to the same teacher labels; kept for the trainer's contract).</summary>
    public float Alpha { get; init; } = 1f;

    public int Seed { get; init; } = 7;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RegionSamples <= 0 || NormalSamples < 0 || EvaluationSamples <= 0)
        {
            problems.Add("Fleet:Distillation sample counts must be positive (NormalSamples may be 0).");
        }

        if (Epochs <= 0)
        {
            problems.Add("Fleet:Distillation:Epochs must be positive.");
        }

        if (!(LearningRate > 0) || !(FinalLearningRate > 0) || FinalLearningRate > LearningRate)
        {
            problems.Add("Fleet:Distillation learning rates must be positive, the final one not above the first.");
        }

        if (Alpha is < 0 or > 1 || float.IsNaN(Alpha))
        {
            problems.Add("Fleet:Distillation:Alpha must be within 0 … 1.");
        }

        return problems;
    }
}
