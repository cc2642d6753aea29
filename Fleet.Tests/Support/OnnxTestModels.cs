using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Writing;

namespace Fleet.Tests.Onnx;

/// <summary>Small models, one per operator the writer emits, with seeded random weights and inputs.</summary>
public static class OnnxTestModels
{
    public sealed record Case(string Name, byte[] Model, IReadOnlyList<InputTensor> Inputs)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<object[]> Names() => All().Select(c => new object[] { c.Name });

    public static Case Get(string name) => All().Single(c => c.Name == name);

    public static IReadOnlyList<Case> All()
    {
        var random = new Random(1234);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var cases = new List<Case>();

        Case Single(string name, long[] inputShape, Func<OnnxGraphBuilder, string, string> body, long[] outputShape)
        {
            var g = new OnnxGraphBuilder(name);
            var x = g.Input("x", TensorElementType.Float, inputShape);
            var y = body(g, x);
            g.Output(y, TensorElementType.Float, outputShape);
            var concrete = inputShape.Select(d => d < 0 ? 2L : d).ToArray();
            return new Case(name, g.Build(), [new InputTensor("x", concrete, R((int)concrete.Aggregate(1L, (a, b) => a * b)))]);
        }

        cases.Add(Single("MatMul", [2, 4], (g, x) => g.MatMul(x, g.Initializer("w", R(12), 4, 3)), [2, 3]));
        cases.Add(Single("Gemm", [2, 4], (g, x) => g.Gemm(x, g.Initializer("w", R(12), 3, 4), g.Initializer("b", R(3), 3), transposeB: true, alpha: 0.5f, beta: 2f), [2, 3]));
        cases.Add(Single("Add", [2, 3], (g, x) => g.Add(x, g.Initializer("b", R(3), 3)), [2, 3]));
        cases.Add(Single("Mul", [2, 3], (g, x) => g.Mul(x, g.Initializer("s", R(6), 2, 3)), [2, 3]));
        cases.Add(Single("Relu", [2, 5], (g, x) => g.Relu(x), [2, 5]));
        cases.Add(Single("Tanh", [2, 5], (g, x) => g.Tanh(g.Mul(x, g.Initializer("k", [3f], 1))), [2, 5]));
        cases.Add(Single("Sigmoid", [2, 5], (g, x) => g.Sigmoid(g.Mul(x, g.Initializer("k", [4f], 1))), [2, 5]));
        cases.Add(Single("Conv1d", [1, 2, 10], (g, x) => g.Conv1d(x, g.Initializer("w", R(18), 3, 2, 3), g.Initializer("b", R(3), 3), kernel: 3, pad: 1), [1, 3, 10]));
        cases.Add(Single("Conv1dStrided", [2, 2, 11], (g, x) => g.Conv1d(x, g.Initializer("w", R(30), 3, 2, 5), g.Initializer("b", R(3), 3), kernel: 5, stride: 2), [2, 3, 4]));
        cases.Add(Single("Reshape", [2, 6], (g, x) => g.Reshape(x, [3, -1]), [3, 4]));
        cases.Add(Single("Concat", [2, 3], (g, x) => g.Concat(1, [x, g.Tanh(x)]), [2, 6]));
        cases.Add(Mlp("Mlp", [16, 64, 64, 4], random, batch: -1));
        return cases;
    }

    /// <summary>A tanh MLP; with <paramref name="batch"/> = -1 the batch dimension is symbolic. Hidden activations are outputs too.</summary>
    public static Case Mlp(string name, int[] sizes, Random random, long batch = 1, bool exposeHidden = true)
    {
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();
        var g = new OnnxGraphBuilder(name);
        var h = g.Input("x", TensorElementType.Float, batch, sizes[0]);
        var hidden = new List<string>();
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            var w = g.Initializer($"w{l}", R(sizes[l] * sizes[l + 1], 1f / MathF.Sqrt(sizes[l])), sizes[l], sizes[l + 1]);
            var b = g.Initializer($"b{l}", R(sizes[l + 1], 0.1f), sizes[l + 1]);
            var z = g.Add(g.MatMul(h, w), b, l == sizes.Length - 2 ? "y" : null);
            h = l == sizes.Length - 2 ? z : g.Tanh(z, $"h{l}");
            if (l < sizes.Length - 2)
            {
                hidden.Add(h);
            }
        }

        g.Output("y", TensorElementType.Float, batch, sizes[^1]);
        if (exposeHidden)
        {
            for (var l = 0; l < hidden.Count; l++)
            {
                g.Output(hidden[l], TensorElementType.Float, batch, sizes[l + 1]);
            }
        }

        var rows = batch < 0 ? 3 : (int)batch;
        return new Case(name, g.Build(), [new InputTensor("x", [rows, sizes[0]], R(rows * sizes[0], 1f))]);
    }
}
