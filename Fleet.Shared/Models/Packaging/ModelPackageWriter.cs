using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Fleet.Shared.Models.Packaging;

/// <summary>Writes a <see cref="ModelPackage"/> as one zip file.</summary>
/// <remarks>
/// The output is a pure function of the package: entries in a fixed order with a fixed timestamp, so the
/// same model always has the same SHA-256 (and signature).
/// </remarks>
public static class ModelPackageWriter
{
    private static readonly DateTimeOffset FixedTimestamp = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The package's bytes.</summary>
    public static byte[] Write(ModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, ModelPackage.CardEntry, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(package.Card, PackagingJsonContext.Default.ModelCard)));
            Add(zip, ModelPackage.ModelEntry, package.Onnx);
            Add(zip, ModelPackage.GoldenEntry, Encoding.UTF8.GetBytes(package.Golden.ToJson()));
            Add(zip, ModelPackage.BaselineEntry, Encoding.UTF8.GetBytes(package.Baseline.ToJson()));
            if (package.Mask is { } mask)
            {
                Add(zip, ModelPackage.MaskEntry, Encoding.UTF8.GetBytes(mask.ToJson()));
            }
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTimestamp;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
