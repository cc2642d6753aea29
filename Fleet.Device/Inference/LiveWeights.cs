namespace Fleet.Device.Inference;

/// <summary>
/// A view of the float32 weight tensors a <see cref="ModelHost"/>'s inference reads, by name: what fault injection
/// (bit flips) and tests write through, without seeing the ONNX Runtime buffers behind it.
/// </summary>
/// <remarks>Spans are valid until the host is disposed; writes change what the next inference computes.</remarks>
internal sealed class LiveWeights
{
    private readonly Func<string, Span<float>> _tensor;

    internal LiveWeights(IReadOnlyCollection<string> names, Func<string, Span<float>> tensor)
    {
        Names = [.. names.Order(StringComparer.Ordinal)];
        _tensor = tensor;
    }

    /// <summary>The tensor names, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The live values of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Span<float> this[string name] => _tensor(name);
}
