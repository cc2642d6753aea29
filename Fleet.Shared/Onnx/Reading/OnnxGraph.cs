using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>A graph: nodes in order, initializers, inputs and outputs.</summary>
/// <remarks><see cref="Inputs"/> excludes any input that is also an initializer (older IR versions list weights as inputs).</remarks>
public sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyList<TensorInfo> Inputs,
    IReadOnlyList<TensorInfo> Outputs);
