namespace Fleet.Shared.Onnx.Reference;

/// <summary>A value inside the reference evaluator: float32 or int64 data and a shape.</summary>
internal sealed record ReferenceValue(long[] Shape, float[]? Floats, long[]? Int64s)
{
    public int Count => (int)Shape.Aggregate(1L, (a, b) => a * b);

    public float[] F => Floats ?? throw new ReferenceEvaluationException("expected a float32 tensor");

    public long[] L => Int64s ?? throw new ReferenceEvaluationException("expected an int64 tensor");

    public static ReferenceValue Of(float[] data, params long[] shape) => new(shape, data, null);
}
