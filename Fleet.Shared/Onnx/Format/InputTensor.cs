namespace Fleet.Shared.Onnx.Format;

/// <summary>A named input for a run (<c>InferenceSession.Run</c> or <c>ReferenceEvaluator.Run</c>): float32 or int64 data and its shape.</summary>
public sealed record InputTensor(string Name, IReadOnlyList<long> Shape, float[]? Floats = null, long[]? Int64s = null)
{
    /// <summary>The element type of the data given.</summary>
    public TensorElementType ElementType => Floats is not null ? TensorElementType.Float : Int64s is not null ? TensorElementType.Int64 : TensorElementType.Undefined;
}
