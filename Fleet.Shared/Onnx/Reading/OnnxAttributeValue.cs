using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>A parsed attribute value; the fields its <see cref="Kind"/> does not carry are zero or empty.</summary>
/// <remarks>Sparse-tensor and type attributes are recognised by kind only; the reader reports that it does not read their values.</remarks>
public sealed record OnnxAttributeValue(long Int, float Float, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats, string? Text)
{
    /// <summary>Which value the attribute carries.</summary>
    public OnnxAttributeKind Kind { get; init; }

    /// <summary>Values of a string-list attribute.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];

    /// <summary>The tensor(s) of a tensor or tensor-list attribute.</summary>
    public IReadOnlyList<OnnxInitializer> Tensors { get; init; } = [];

    /// <summary>The graph(s) of a graph or graph-list attribute (the bodies of If, Loop and Scan).</summary>
    public IReadOnlyList<OnnxGraph> Graphs { get; init; } = [];
}
