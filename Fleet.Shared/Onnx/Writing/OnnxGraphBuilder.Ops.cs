namespace Fleet.Shared.Onnx.Writing;

/// <summary>Typed helpers for the operators Fleet's models use.</summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary><c>MatMul(a, b)</c>.</summary>
    public string MatMul(string a, string b, string? output = null) => Node("MatMul", [a, b], output);

    /// <summary><c>Gemm(a, b, c)</c> = alpha·op(a)·op(b) + beta·c.</summary>
    public string Gemm(string a, string b, string c, bool transposeB = false, float alpha = 1f, float beta = 1f, string? output = null) =>
        Node("Gemm", [a, b, c], output,
            OnnxAttribute.Float("alpha", alpha), OnnxAttribute.Float("beta", beta), OnnxAttribute.Int("transB", transposeB ? 1 : 0));

    /// <summary>Element-wise <c>Add</c> with numpy broadcasting.</summary>
    public string Add(string a, string b, string? output = null) => Node("Add", [a, b], output);

    /// <summary>Element-wise <c>Mul</c> with numpy broadcasting.</summary>
    public string Mul(string a, string b, string? output = null) => Node("Mul", [a, b], output);

    /// <summary><c>Relu(x)</c>.</summary>
    public string Relu(string x, string? output = null) => Node("Relu", [x], output);

    /// <summary><c>Tanh(x)</c>.</summary>
    public string Tanh(string x, string? output = null) => Node("Tanh", [x], output);

    /// <summary><c>Sigmoid(x)</c>.</summary>
    public string Sigmoid(string x, string? output = null) => Node("Sigmoid", [x], output);

    /// <summary>1-D <c>Conv</c> over [N, C, L] with weight [M, C, K] and bias [M].</summary>
    public string Conv1d(string x, string weight, string bias, int kernel, int pad = 0, int stride = 1, string? output = null) =>
        Node("Conv", [x, weight, bias], output,
            OnnxAttribute.IntList("kernel_shape", kernel), OnnxAttribute.IntList("pads", pad, pad), OnnxAttribute.IntList("strides", stride));

    /// <summary><c>Reshape(x, shape)</c>; the target shape becomes an int64 initializer (0 copies a dimension, -1 is inferred).</summary>
    public string Reshape(string x, long[] shape, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var shapeName = Initializer(Fresh("shape"), shape, shape.Length);
        return Node("Reshape", [x, shapeName], output);
    }

    /// <summary><c>Concat</c> along <paramref name="axis"/>.</summary>
    public string Concat(long axis, IReadOnlyList<string> inputs, string? output = null) =>
        Node("Concat", inputs, output, OnnxAttribute.Int("axis", axis));
}
