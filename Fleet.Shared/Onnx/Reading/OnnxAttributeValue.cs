namespace Fleet.Shared.Onnx.Reading;

/// <summary>A parsed attribute value; fields that the attribute does not carry are zero/empty.</summary>
public sealed record OnnxAttributeValue(long Int, float Float, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats, string? Text);
