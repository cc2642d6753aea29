namespace Fleet.Shared.Learning;

/// <summary>
/// Samples for training: inputs [count × inputSize], targets [count × outputSize] and, for distillation, the
/// teacher's outputs for the same inputs.
/// </summary>
public sealed record TrainingSet(int Count, int InputSize, int OutputSize, float[] Inputs, float[] Targets, float[]? TeacherOutputs = null)
{
    /// <summary>Input row <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> Input(int i) => Inputs.AsSpan(i * InputSize, InputSize);

    /// <summary>Target row <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> Target(int i) => Targets.AsSpan(i * OutputSize, OutputSize);

    /// <summary>This set with <paramref name="teacher"/>'s outputs attached for distillation.</summary>
    public TrainingSet WithTeacher(Mlp teacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        var outputs = new float[Count * OutputSize];
        for (var i = 0; i < Count; i++)
        {
            teacher.Forward(Input(i), outputs.AsSpan(i * OutputSize, OutputSize));
        }

        return this with { TeacherOutputs = outputs };
    }

    /// <summary>Checks the arrays match the declared sizes.</summary>
    public void Validate()
    {
        if (Inputs.Length != Count * InputSize || Targets.Length != Count * OutputSize
            || (TeacherOutputs is not null && TeacherOutputs.Length != Count * OutputSize))
        {
            throw new ArgumentException("training arrays do not match Count × size");
        }
    }
}
