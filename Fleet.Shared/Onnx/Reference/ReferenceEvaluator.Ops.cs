using System.Numerics.Tensors;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Shared.Onnx.Reference;

/// <summary>The operators, written for clarity first and SIMD (TensorPrimitives) in the inner loops.</summary>
public sealed partial class ReferenceEvaluator
{
    private delegate void SpanOp(ReadOnlySpan<float> x, Span<float> y);

    private static ReferenceValue Unary(ReferenceValue x, SpanOp op)
    {
        var y = new float[x.Count];
        op(x.F, y);
        return ReferenceValue.Of(y, x.Shape);
    }

    private static ReferenceValue MatMul(ReferenceValue a, ReferenceValue b)
    {
        if (a.Shape.Length != 2 || b.Shape.Length != 2 || a.Shape[1] != b.Shape[0])
        {
            throw new ReferenceEvaluationException($"MatMul of [{string.Join(",", a.Shape)}] by [{string.Join(",", b.Shape)}]");
        }

        int n = (int)a.Shape[0], k = (int)a.Shape[1], m = (int)b.Shape[1];
        var y = new float[n * m];
        MatMulInto(a.F, b.F, y, n, k, m);
        return ReferenceValue.Of(y, n, m);
    }

    /// <summary>y[n×m] += a[n×k] · b[k×m], row by row as axpy so the inner loop is SIMD.</summary>
    internal static void MatMulInto(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int n, int k, int m)
    {
        for (var row = 0; row < n; row++)
        {
            var yRow = y.Slice(row * m, m);
            for (var i = 0; i < k; i++)
            {
                var coefficient = a[(row * k) + i];
                if (coefficient != 0f)
                {
                    TensorPrimitives.MultiplyAdd(b.Slice(i * m, m), coefficient, yRow, yRow);
                }
            }
        }
    }

    private static ReferenceValue Gemm(OnnxNode node, ReferenceValue a, ReferenceValue b, ReferenceValue? c)
    {
        var alpha = node.Float("alpha", 1f);
        var beta = node.Float("beta", 1f);
        var left = node.Int("transA", 0) != 0 ? Transpose(a) : a;
        var right = node.Int("transB", 0) != 0 ? Transpose(b) : b;
        var product = MatMul(left, right);
        TensorPrimitives.Multiply(product.F, alpha, product.F);
        if (c is null)
        {
            return product;
        }

        var scaled = ReferenceValue.Of(c.F.Select(v => v * beta).ToArray(), c.Shape);
        return Broadcast(product, scaled, static (x, y) => x + y);
    }

    private static ReferenceValue Transpose(ReferenceValue x)
    {
        int rows = (int)x.Shape[0], cols = (int)x.Shape[1];
        var y = new float[x.Count];
        for (var r = 0; r < rows; r++)
        {
            for (var col = 0; col < cols; col++)
            {
                y[(col * rows) + r] = x.F[(r * cols) + col];
            }
        }

        return ReferenceValue.Of(y, cols, rows);
    }

    private static ReferenceValue Broadcast(ReferenceValue a, ReferenceValue b, Func<float, float, float> op)
    {
        var rank = Math.Max(a.Shape.Length, b.Shape.Length);
        var shape = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            var da = DimFromEnd(a.Shape, rank - 1 - d);
            var db = DimFromEnd(b.Shape, rank - 1 - d);
            if (da != db && da != 1 && db != 1)
            {
                throw new ReferenceEvaluationException($"cannot broadcast [{string.Join(",", a.Shape)}] with [{string.Join(",", b.Shape)}]");
            }

            shape[d] = Math.Max(da, db);
        }

        var count = (int)shape.Aggregate(1L, (x, y) => x * y);
        var result = new float[count];
        var index = new long[rank];
        for (var i = 0; i < count; i++)
        {
            result[i] = op(a.F[Offset(a.Shape, index)], b.F[Offset(b.Shape, index)]);
            for (var d = rank - 1; d >= 0 && ++index[d] == shape[d]; d--)
            {
                index[d] = 0;
            }
        }

        return ReferenceValue.Of(result, shape);
    }

    private static long DimFromEnd(long[] shape, int fromEnd) => fromEnd < shape.Length ? shape[shape.Length - 1 - fromEnd] : 1;

    private static int Offset(long[] shape, long[] index)
    {
        long offset = 0;
        var skip = index.Length - shape.Length;
        for (var d = 0; d < shape.Length; d++)
        {
            offset = (offset * shape[d]) + (shape[d] == 1 ? 0 : index[skip + d]);
        }

        return (int)offset;
    }

    private static ReferenceValue Conv1d(OnnxNode node, ReferenceValue x, ReferenceValue w, ReferenceValue? bias)
    {
        if (x.Shape.Length != 3 || w.Shape.Length != 3 || node.Int("group", 1) != 1)
        {
            throw new ReferenceEvaluationException("the reference Conv handles 1-D, group=1 only");
        }

        int n = (int)x.Shape[0], c = (int)x.Shape[1], length = (int)x.Shape[2];
        int m = (int)w.Shape[0], k = (int)w.Shape[2];
        var pads = node.Ints("pads", [0, 0]);
        var stride = (int)node.Ints("strides", [1])[0];
        var dilation = (int)node.Ints("dilations", [1])[0];
        var outLength = ((length + (int)pads[0] + (int)pads[1] - (dilation * (k - 1)) - 1) / stride) + 1;
        var y = new float[n * m * outLength];
        for (var b = 0; b < n; b++)
        {
            for (var o = 0; o < m; o++)
            {
                for (var t = 0; t < outLength; t++)
                {
                    var sum = bias?.F[o] ?? 0f;
                    for (var ch = 0; ch < c; ch++)
                    {
                        for (var j = 0; j < k; j++)
                        {
                            var position = (t * stride) + (j * dilation) - (int)pads[0];
                            if (position >= 0 && position < length)
                            {
                                sum += x.F[(((b * c) + ch) * length) + position] * w.F[(((o * c) + ch) * k) + j];
                            }
                        }
                    }

                    y[(((b * m) + o) * outLength) + t] = sum;
                }
            }
        }

        return ReferenceValue.Of(y, n, m, outLength);
    }

    private static ReferenceValue Reshape(ReferenceValue x, ReferenceValue shapeValue)
    {
        var shape = shapeValue.L.ToArray();
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 0)
            {
                shape[d] = x.Shape[d];
            }
        }

        var known = shape.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0)
            {
                shape[d] = x.Count / known;
            }
        }

        if (shape.Aggregate(1L, (a, b) => a * b) != x.Count)
        {
            throw new ReferenceEvaluationException($"cannot reshape [{string.Join(",", x.Shape)}] to [{string.Join(",", shape)}]");
        }

        return x with { Shape = shape };
    }

    private static ReferenceValue Concat(OnnxNode node, ReferenceValue[] parts)
    {
        var rank = parts[0].Shape.Length;
        var axis = (int)node.Int("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        var outer = (int)parts[0].Shape[..axis].Aggregate(1L, (a, b) => a * b);
        var shape = parts[0].Shape.ToArray();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var result = new float[(int)shape.Aggregate(1L, (a, b) => a * b)];
        var position = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var part in parts)
            {
                var chunk = part.Count / outer;
                part.F.AsSpan(o * chunk, chunk).CopyTo(result.AsSpan(position));
                position += chunk;
            }
        }

        return ReferenceValue.Of(result, shape);
    }
}
