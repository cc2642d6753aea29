using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Shared.Onnx.Reference;

/// <summary>
/// A plain C# forward pass over a parsed ONNX graph, for the operators <see cref="Writing.OnnxGraphBuilder"/> emits
/// (MatMul, Gemm, Add, Mul, Relu, Tanh, Sigmoid, 1-D Conv, Reshape, Concat, Identity).
/// </summary>
/// <remarks>
/// It is the yardstick ORT's outputs are checked against in tests; no app runs models with it. Reads the
/// weights from the parsed model, or from <see cref="ReplaceInitializer"/> overrides. Not thread-safe.
/// </remarks>
public sealed partial class ReferenceEvaluator
{
    private readonly OnnxModel _model;
    private readonly Dictionary<string, ReferenceValue> _initializers = [];

    /// <summary>Prepares an evaluator for <paramref name="model"/>.</summary>
    public ReferenceEvaluator(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        foreach (var init in model.Graph.Initializers)
        {
            _initializers[init.Name] = init.ElementType switch
            {
                TensorElementType.Float => new ReferenceValue(init.Dims.ToArray(), init.ToFloats(), null),
                TensorElementType.Int64 => new ReferenceValue(init.Dims.ToArray(), null, init.ToInt64s()),
                _ => throw new NotSupportedException($"initializer '{init.Name}' is {init.ElementType}; the reference evaluator handles float32 and int64"),
            };
        }
    }

    /// <summary>Uses <paramref name="data"/> instead of the model's float initializer <paramref name="name"/>.</summary>
    public void ReplaceInitializer(string name, float[] data)
    {
        var current = _initializers[name];
        if (current.Count != data.Length)
        {
            throw new ArgumentException($"initializer '{name}' has {current.Count} elements, not {data.Length}", nameof(data));
        }

        _initializers[name] = current with { Floats = data };
    }

    /// <summary>Evaluates the graph and returns every graph output, in order.</summary>
    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<InputTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new Dictionary<string, ReferenceValue>(_initializers);
        foreach (var input in inputs)
        {
            values[input.Name] = new ReferenceValue(input.Shape.ToArray(), input.Floats, input.Int64s);
        }

        foreach (var node in _model.Graph.Nodes)
        {
            var args = node.Inputs.Select(n => n.Length == 0 ? null : values.TryGetValue(n, out var v) ? v
                : throw new ReferenceEvaluationException($"node {node.Name} reads '{n}', which is not defined")).ToArray();
            values[node.Outputs[0]] = Evaluate(node, args);
        }

        return _model.Graph.Outputs.Select(o =>
        {
            var v = values[o.Name];
            return new OutputTensor(o.Name, v.Floats is null ? TensorElementType.Int64 : TensorElementType.Float, v.Shape, v.Floats, v.Int64s);
        }).ToArray();
    }

    private static ReferenceValue Evaluate(OnnxNode node, ReferenceValue?[] args) => node.OpType switch
    {
        "MatMul" => MatMul(args[0]!, args[1]!),
        "Gemm" => Gemm(node, args[0]!, args[1]!, args.Length > 2 ? args[2] : null),
        "Add" => Broadcast(args[0]!, args[1]!, static (a, b) => a + b),
        "Mul" => Broadcast(args[0]!, args[1]!, static (a, b) => a * b),
        "Relu" => Unary(args[0]!, static (x, y) => System.Numerics.Tensors.TensorPrimitives.Max(x, 0f, y)),
        "Tanh" => Unary(args[0]!, static (x, y) => System.Numerics.Tensors.TensorPrimitives.Tanh(x, y)),
        "Sigmoid" => Unary(args[0]!, static (x, y) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, y)),
        "Identity" => args[0]!,
        "Conv" => Conv1d(node, args[0]!, args[1]!, args.Length > 2 ? args[2] : null),
        "Reshape" => Reshape(args[0]!, args[1]!),
        "Concat" => Concat(node, args!),
        _ => throw new ReferenceEvaluationException($"the reference evaluator does not implement {node.OpType}"),
    };
}
