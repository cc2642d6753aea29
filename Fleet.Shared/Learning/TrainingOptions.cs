namespace Fleet.Shared.Learning;

/// <summary>Hyper-parameters of <see cref="MlpTrainer"/>; the defaults train the reference vocoder.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Samples per Adam step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam step size at the first epoch.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Learning rate at the last epoch, reached by cosine decay.</summary>
    public float FinalLearningRate { get; init; } = 2e-4f;

    /// <summary>Adam β1.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam β2.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam ε.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>
    /// Distillation weight α: loss = α·MSE(student, teacher) + (1 − α)·MSE(student, target). Ignored (taken as 0)
    /// when the data set carries no teacher outputs.
    /// </summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Seed of the minibatch shuffle; equal seeds and data give bit-identical networks.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Validates the options.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(FinalLearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(Alpha);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Alpha, 1f);
    }
}
