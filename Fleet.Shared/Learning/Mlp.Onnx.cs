using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Writing;

namespace Fleet.Shared.Learning;

/// <summary>Export to ONNX (MatMul + Add + activation per layer) and import back.</summary>
public sealed partial class Mlp
{
    /// <summary>Name of the exported input.</summary>
    public const string InputName = "controls";

    /// <summary>Name of the exported main output.</summary>
    public const string OutputName = "output";

    /// <summary>
    /// Writes the network as ONNX with a symbolic batch dimension. Weights are initializers <c>w{l}</c>/<c>b{l}</c>;
    /// with <paramref name="exposeHidden"/> the hidden activations <c>hidden{l}</c> are extra outputs after the main one.
    /// </summary>
    public byte[] ToOnnx(string graphName, bool exposeHidden = false, int opset = OnnxGraphBuilder.MinimumOpset)
    {
        var g = new OnnxGraphBuilder(graphName);
        var h = g.Input(InputName, TensorElementType.Float, -1, InputSize);
        var hidden = new List<(string Name, int Width)>();
        for (var l = 0; l < LayerCount; l++)
        {
            var last = l == LayerCount - 1;
            var w = g.Initializer($"w{l}", Weights[l], Sizes[l], Sizes[l + 1]);
            var b = g.Initializer($"b{l}", Biases[l], Sizes[l + 1]);
            var activation = last ? OutputActivation : HiddenActivation;
            var outputName = last ? OutputName : $"hidden{l}";
            var z = g.Add(g.MatMul(h, w), b, activation == Activation.Identity ? outputName : null);
            h = activation switch
            {
                Activation.Identity => z,
                Activation.Tanh => g.Tanh(z, outputName),
                Activation.Relu => g.Relu(z, outputName),
                Activation.Sigmoid => g.Sigmoid(z, outputName),
                _ => throw new NotSupportedException(activation.ToString()),
            };
            if (!last)
            {
                hidden.Add((h, Sizes[l + 1]));
            }
        }

        g.Output(OutputName, TensorElementType.Float, -1, OutputSize);
        if (exposeHidden)
        {
            foreach (var (name, width) in hidden)
            {
                g.Output(name, TensorElementType.Float, -1, width);
            }
        }

        return g.Build(opset, docString: $"Fleet MLP {string.Join("-", Sizes)} hidden={HiddenActivation} output={OutputActivation}");
    }

    /// <summary>Reads back a network written by <see cref="ToOnnx"/>.</summary>
    /// <exception cref="OnnxFormatException">The model is not an MLP in this layout.</exception>
    public static Mlp FromOnnx(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var inits = model.Graph.Initializers.ToDictionary(i => i.Name);
        var weights = new List<float[]>();
        var biases = new List<float[]>();
        var sizes = new List<int>();
        for (var l = 0; inits.TryGetValue($"w{l}", out var w); l++)
        {
            if (!inits.TryGetValue($"b{l}", out var b) || w.Dims.Count != 2)
            {
                throw new OnnxFormatException($"layer {l} of the MLP is incomplete");
            }

            if (l == 0)
            {
                sizes.Add((int)w.Dims[0]);
            }

            sizes.Add((int)w.Dims[1]);
            weights.Add(w.ToFloats());
            biases.Add(b.ToFloats());
        }

        if (weights.Count == 0)
        {
            throw new OnnxFormatException("the model has no w0/b0 initializers; it was not written by Mlp.ToOnnx");
        }

        var hidden = ActivationOf(model.Graph.Nodes.FirstOrDefault(n => n.Outputs.Contains("hidden0"))?.OpType);
        var output = ActivationOf(model.Graph.Nodes.First(n => n.Outputs.Contains(OutputName)).OpType);
        return FromParameters(sizes, hidden, output, weights, biases);
    }

    private static Activation ActivationOf(string? opType) => opType switch
    {
        "Tanh" => Activation.Tanh,
        "Relu" => Activation.Relu,
        "Sigmoid" => Activation.Sigmoid,
        _ => Activation.Identity,
    };
}
