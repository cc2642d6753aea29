using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Writing;

/// <summary>A node attribute: one int, float or string, or a list of ints or floats.</summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>Attribute name (e.g. <c>axis</c>).</summary>
    public string Name { get; }

    /// <summary>Which value is set.</summary>
    public OnnxAttributeKind Kind { get; }

    /// <summary>Value of an <see cref="OnnxAttributeKind.Int"/> attribute.</summary>
    public long IntValue { get; private init; }

    /// <summary>Value of a <see cref="OnnxAttributeKind.Float"/> attribute.</summary>
    public float FloatValue { get; private init; }

    /// <summary>Value of a <see cref="OnnxAttributeKind.String"/> attribute.</summary>
    public string Text { get; private init; } = "";

    /// <summary>Values of an <see cref="OnnxAttributeKind.Ints"/> attribute.</summary>
    public IReadOnlyList<long> Ints { get; private init; } = [];

    /// <summary>Values of a <see cref="OnnxAttributeKind.Floats"/> attribute.</summary>
    public IReadOnlyList<float> Floats { get; private init; } = [];

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int) { IntValue = value };

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float) { FloatValue = value };

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeKind.String) { Text = value };

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttribute IntList(string name, params long[] values) => new(name, OnnxAttributeKind.Ints) { Ints = values };

    /// <summary>A float-list attribute.</summary>
    public static OnnxAttribute FloatList(string name, params float[] values) => new(name, OnnxAttributeKind.Floats) { Floats = values };
}
