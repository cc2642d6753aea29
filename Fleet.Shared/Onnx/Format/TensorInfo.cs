namespace Fleet.Shared.Onnx.Format;

/// <summary>Name, element type and shape of a model input or output; a negative dimension is symbolic (e.g. batch).</summary>
public sealed record TensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <summary>Number of elements, with every symbolic dimension taken as <paramref name="symbolicAs"/>.</summary>
    public long ElementCount(long symbolicAs = 1)
    {
        long count = 1;
        foreach (var d in Shape)
        {
            count *= d < 0 ? symbolicAs : d;
        }

        return count;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
