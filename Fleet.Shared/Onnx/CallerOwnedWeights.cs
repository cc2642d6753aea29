using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Shared.Onnx;

/// <summary>
/// A model's float initializers copied into native memory the caller owns, ready to hand to a session as
/// caller-owned initializers (<see cref="OnnxSessionOptions.Initializers"/>).
/// </summary>
/// <remarks>
/// This is how the device keeps its weights: digests are computed over <see cref="NativeTensor.AsBytes"/>, a
/// corrupted tensor is restored by writing the golden bytes back, and the live session sees the change on its
/// next run with no rebuild. Dispose after every session built from these weights is disposed (sessions keep
/// the memory alive regardless).
/// </remarks>
public sealed class CallerOwnedWeights : IDisposable
{
    private readonly Dictionary<string, NativeTensor> _tensors;

    private CallerOwnedWeights(Dictionary<string, NativeTensor> tensors) => _tensors = tensors;

    /// <summary>The tensors by initializer name, in model order.</summary>
    public IReadOnlyDictionary<string, NativeTensor> Tensors => _tensors;

    /// <summary>Copies every float32 initializer of <paramref name="model"/> into a new native tensor.</summary>
    public static CallerOwnedWeights FromModel(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new Dictionary<string, NativeTensor>();
        try
        {
            foreach (var init in model.Graph.Initializers.Where(i => i.ElementType == TensorElementType.Float))
            {
                var tensor = NativeTensor.Create(TensorElementType.Float, init.Dims.ToArray());
                tensors.Add(init.Name, tensor);
                init.RawData.Span.CopyTo(tensor.AsBytes());
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }

            throw;
        }

        return new CallerOwnedWeights(tensors);
    }

    /// <summary><paramref name="options"/> with these tensors as its caller-owned initializers.</summary>
    public OnnxSessionOptions ApplyTo(OnnxSessionOptions? options = null) => (options ?? new OnnxSessionOptions()) with { Initializers = _tensors };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
