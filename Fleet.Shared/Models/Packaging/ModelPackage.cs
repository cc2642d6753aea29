using Fleet.Shared.Learning;

namespace Fleet.Shared.Models.Packaging;

/// <summary>One deployable model: the ONNX graph with its golden set, output baseline, optional sparsity mask and card.</summary>
/// <remarks>
/// On the wire and on disk it is one zip file (<see cref="ModelPackageWriter"/>, <see cref="ModelPackageReader"/>);
/// the artifact SHA-256 and signature cover the bytes of that file. See docs/PROTOCOL.md, "Model package".
/// </remarks>
/// <param name="Onnx">The bytes of <c>model.onnx</c>.</param>
/// <param name="Golden">Known inputs with expected outputs; a model is activated only after passing them.</param>
/// <param name="Baseline">The healthy output histogram the watchdog compares live outputs with.</param>
/// <param name="Mask">For a pruned model, which weights are kept; null for a dense model.</param>
/// <param name="Card">Id, version, parent and metrics.</param>
public sealed record ModelPackage(byte[] Onnx, GoldenSet Golden, BaselineHistogram Baseline, SparsityMask? Mask, ModelCard Card)
{
    /// <summary>Entry name of the ONNX graph.</summary>
    public const string ModelEntry = "model.onnx";

    /// <summary>Entry name of the golden set.</summary>
    public const string GoldenEntry = "golden.json";

    /// <summary>Entry name of the baseline histogram.</summary>
    public const string BaselineEntry = "baseline.json";

    /// <summary>Entry name of the optional sparsity mask.</summary>
    public const string MaskEntry = "mask.json";

    /// <summary>Entry name of the model card.</summary>
    public const string CardEntry = "card.json";

    /// <summary>Largest package a reader accepts (uncompressed, all entries together).</summary>
    public const long MaxUncompressedBytes = 256L << 20;

    /// <summary>Packages a reference model under <paramref name="id"/> and <paramref name="version"/>.</summary>
    public static ModelPackage FromReference(ReferenceModel model, string id, string version, string? parent = null, SparsityMask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metrics = new Dictionary<string, double> { ["relativeError"] = Math.Round(model.RelativeError, 6) };
        if (mask is not null)
        {
            metrics["sparsity"] = Math.Round(mask.Sparsity, 6);
        }

        return new ModelPackage(model.Onnx, model.Golden, model.Baseline, mask, new ModelCard(1, id, version, parent, metrics));
    }
}
