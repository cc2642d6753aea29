namespace Fleet.Shared.Onnx.Reading;

/// <summary>What <see cref="OnnxModelReader"/> reads from a ModelProto: versions, producer and the main graph.</summary>
public sealed record OnnxModel(long IrVersion, IReadOnlyDictionary<string, long> Opsets, string ProducerName, OnnxGraph Graph, long SizeBytes)
{
    /// <summary>Opset of the default (<c>ai.onnx</c>) domain; 0 when absent.</summary>
    public long DefaultOpset => Opsets.TryGetValue("", out var v) ? v : Opsets.TryGetValue("ai.onnx", out var w) ? w : 0;

    /// <summary>What the reader saw but could not use (external data it could not read, attribute values it does not read, non-tensor inputs), one line each.</summary>
    public IReadOnlyList<string> Issues { get; init; } = [];
}
