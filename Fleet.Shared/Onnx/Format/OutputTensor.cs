namespace Fleet.Shared.Onnx.Format;

/// <summary>A named output of a run (<c>InferenceSession.Run</c> or <c>ReferenceEvaluator.Run</c>).</summary>
public sealed record OutputTensor(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape, float[]? Floats, long[]? Int64s);
