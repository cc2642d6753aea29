using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Learning;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Shared.Models.Packaging;

/// <summary>Reads and validates a model package; foreign bytes give a failed <see cref="PackageResult"/>, never an exception.</summary>
public static class ModelPackageReader
{
    /// <summary>Reads the package in <paramref name="bytes"/>.</summary>
    /// <remarks>
    /// Checks, in order: a zip; every required entry present; each entry parses (the ONNX graph with
    /// <see cref="OnnxModelReader"/>); the golden set's input and output name the graph's; every golden case
    /// has the graph's input width; the mask names only float initializers of the graph with matching sizes;
    /// the card has an id and a valid version.
    /// </remarks>
    public static PackageResult Read(ReadOnlySpan<byte> bytes)
    {
        Dictionary<string, byte[]> entries;
        try
        {
            entries = Unzip(bytes.ToArray());
        }
        catch (InvalidDataException ex)
        {
            return PackageResult.Failure(PackageErrorKind.NotAPackage, $"not a zip archive: {ex.Message}");
        }
        catch (PackageTooLargeException)
        {
            return PackageResult.Failure(PackageErrorKind.TooLarge, $"more than {ModelPackage.MaxUncompressedBytes} bytes uncompressed");
        }

        foreach (var required in new[] { ModelPackage.CardEntry, ModelPackage.ModelEntry, ModelPackage.GoldenEntry, ModelPackage.BaselineEntry })
        {
            if (!entries.ContainsKey(required))
            {
                return PackageResult.Failure(PackageErrorKind.MissingPart, $"{required} is missing");
            }
        }

        ModelCard? card;
        OnnxModel graph;
        GoldenSet golden;
        BaselineHistogram baseline;
        SparsityMask? mask = null;
        var part = ModelPackage.CardEntry;
        try
        {
            card = JsonSerializer.Deserialize(entries[part], PackagingJsonContext.Default.ModelCard);
            part = ModelPackage.ModelEntry;
            graph = OnnxModelReader.Read(entries[part]);
            part = ModelPackage.GoldenEntry;
            golden = GoldenSet.FromJson(Encoding.UTF8.GetString(entries[part]));
            part = ModelPackage.BaselineEntry;
            baseline = BaselineHistogram.FromJson(Encoding.UTF8.GetString(entries[part]));
            if (entries.TryGetValue(ModelPackage.MaskEntry, out var maskBytes))
            {
                part = ModelPackage.MaskEntry;
                mask = SparsityMask.FromJson(Encoding.UTF8.GetString(maskBytes));
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OnnxFormatException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return PackageResult.Failure(PackageErrorKind.CorruptPart, $"{part} does not parse: {ex.Message}");
        }

        var problem = CardProblem(card) ?? Consistency(graph, golden, baseline, mask);
        return problem is null
            ? PackageResult.Success(new ModelPackage(entries[ModelPackage.ModelEntry], golden, baseline, mask, card!))
            : PackageResult.Failure(card is null || CardProblem(card) is not null ? PackageErrorKind.CorruptPart : PackageErrorKind.Inconsistent, problem);
    }

    private static string? CardProblem(ModelCard? card) =>
        card is null || card.Version != 1 ? "card.json is not a v1 model card"
        : string.IsNullOrWhiteSpace(card.Id) ? "card.json has no id"
        : !ModelVersions.IsValid(card.ModelVersion) ? $"card.json version '{card.ModelVersion}' is not a dotted numeric version"
        : card.Metrics is null ? "card.json has no metrics object"
        : null;

    private static string? Consistency(OnnxModel graph, GoldenSet golden, BaselineHistogram baseline, SparsityMask? mask)
    {
        var input = graph.Graph.Inputs.FirstOrDefault(i => i.Name == golden.InputName);
        if (input is null)
        {
            return $"golden.json names input '{golden.InputName}', which model.onnx does not have";
        }

        if (graph.Graph.Outputs.All(o => o.Name != golden.OutputName))
        {
            return $"golden.json names output '{golden.OutputName}', which model.onnx does not have";
        }

        if (graph.Graph.Outputs.All(o => o.Name != baseline.OutputName) || baseline.Counts is not { Length: > 0 } || !(baseline.Max > baseline.Min))
        {
            return $"baseline.json does not describe an output of model.onnx";
        }

        var width = input.Shape.Count > 0 ? input.Shape[^1] : -1;
        if (width > 0 && golden.Cases.Any(c => c.Input.Length != width))
        {
            return $"a golden case's input width differs from the model's ({width})";
        }

        if (mask is not null)
        {
            var initializers = graph.Graph.Initializers.ToDictionary(i => i.Name);
            foreach (var name in mask.TensorNames)
            {
                if (!initializers.TryGetValue(name, out var init) || init.ElementType != TensorElementType.Float)
                {
                    return $"mask.json names tensor '{name}', which model.onnx does not have";
                }
            }
        }

        return null;
    }

    private static Dictionary<string, byte[]> Unzip(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            total += entry.Length;
            if (total > ModelPackage.MaxUncompressedBytes)
            {
                throw new PackageTooLargeException();
            }

            using var stream = entry.Open();
            using var copy = new MemoryStream((int)entry.Length);
            stream.CopyTo(copy);
            entries[entry.FullName] = copy.ToArray();
        }

        return entries;
    }
}
