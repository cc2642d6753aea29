namespace Fleet.Shared.Learning;

/// <summary>Adam's first and second moment estimates for one parameter tensor.</summary>
internal sealed class AdamState(int length)
{
    private readonly float[] _m = new float[length];
    private readonly float[] _v = new float[length];

    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, TrainingOptions options, int step)
    {
        float beta1 = options.Beta1, beta2 = options.Beta2;
        var correction1 = 1 - MathF.Pow(beta1, step);
        var correction2 = 1 - MathF.Pow(beta2, step);
        var rate = learningRate * MathF.Sqrt(correction2) / correction1;
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradients[i];
            _m[i] = (beta1 * _m[i]) + ((1 - beta1) * g);
            _v[i] = (beta2 * _v[i]) + ((1 - beta2) * g * g);
            parameters[i] -= rate * _m[i] / (MathF.Sqrt(_v[i]) + options.Epsilon);
        }
    }
}
