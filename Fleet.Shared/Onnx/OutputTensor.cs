namespace Fleet.Shared.Onnx;

/// <summary>A named output of <see cref="InferenceSession.Run(IReadOnlyList{InputTensor})"/>.</summary>
public sealed record OutputTensor(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape, float[]? Floats, long[]? Int64s);
