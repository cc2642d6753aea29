using Fleet.Shared.Learning;

namespace Fleet.Shared.Models;

/// <summary>
/// One generated reference model: the network, its ONNX bytes, golden set, baseline output histogram, and its
/// relative RMS error against the harmonic synthesiser on held-out controls.
/// </summary>
public sealed record ReferenceModel(string Name, Mlp Network, byte[] Onnx, GoldenSet Golden, BaselineHistogram Baseline, float RelativeError);
