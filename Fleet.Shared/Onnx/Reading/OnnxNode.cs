namespace Fleet.Shared.Onnx.Reading;

/// <summary>A node: operator, inputs, outputs and attributes (ints, floats and their lists).</summary>
public sealed record OnnxNode(
    string OpType,
    string Domain,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttributeValue> Attributes)
{
    /// <summary>An int attribute, or <paramref name="fallback"/>.</summary>
    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.Int : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/>.</summary>
    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.Float : fallback;

    /// <summary>An int-list attribute, or <paramref name="fallback"/>.</summary>
    public IReadOnlyList<long> Ints(string name, IReadOnlyList<long> fallback) => Attributes.TryGetValue(name, out var a) ? a.Ints : fallback;
}
