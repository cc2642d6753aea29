using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>A graph: nodes in order, initializers, inputs and outputs.</summary>
/// <remarks>
/// <see cref="Inputs"/> excludes any input that is also an initializer (older IR versions list weights as inputs).
/// <see cref="Initializers"/> holds the dense initializers, sparse ones made dense, and external data read from its file.
/// Subgraphs (If/Loop/Scan bodies) hang off their nodes' graph attributes.
/// </remarks>
public sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyList<TensorInfo> Inputs,
    IReadOnlyList<TensorInfo> Outputs);
