using System.IO.Compression;
using System.Text;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;

namespace Fleet.Tests.Models.Packaging;

public sealed class ModelPackageTests
{
    private static ModelPackage Vocoder(string version = "1.2.0") => ModelPackage.FromReference(ReferenceModels.Build().Vocoder, "vocoder", version, parent: "1.1.0");

    [Fact]
    public void WriteThenRead_RoundTripsEveryPart()
    {
        var set = ReferenceModels.Build();
        var package = ModelPackage.FromReference(set.Pruned, "vocoder", "1.3.0", parent: "1.2.0", mask: set.PrunedMask);
        var read = ModelPackageReader.Read(ModelPackageWriter.Write(package));

        Assert.True(read.IsSuccess, read.Message);
        var back = read.Package!;
        Assert.Equal(package.Onnx, back.Onnx);
        Assert.Equal(package.Golden.ToJson(), back.Golden.ToJson());
        Assert.Equal(package.Baseline.Counts, back.Baseline.Counts);
        Assert.Equal(set.PrunedMask.ToJson(), back.Mask!.ToJson());
        Assert.Equal(("vocoder", "1.3.0", "1.2.0"), (back.Card.Id, back.Card.ModelVersion, back.Card.Parent));
        Assert.Equal(0.5, back.Card.Metrics["sparsity"], 2);
    }

    [Fact]
    public void Write_IsDeterministic_SoTheSameModelHasTheSameHash()
    {
        Assert.Equal(ModelPackageWriter.Write(Vocoder()), ModelPackageWriter.Write(Vocoder()));
    }

    [Fact]
    public void Read_TruncatedBytes_IsNotAPackage()
    {
        var bytes = ModelPackageWriter.Write(Vocoder());
        var read = ModelPackageReader.Read(bytes.AsSpan(0, bytes.Length / 2));
        Assert.Equal(PackageErrorKind.NotAPackage, read.Error);
    }

    [Theory]
    [InlineData(ModelPackage.ModelEntry)]
    [InlineData(ModelPackage.GoldenEntry)]
    [InlineData(ModelPackage.BaselineEntry)]
    [InlineData(ModelPackage.CardEntry)]
    public void Read_WithoutARequiredPart_NamesTheMissingPart(string entry)
    {
        var read = ModelPackageReader.Read(Rewrite(ModelPackageWriter.Write(Vocoder()), entry, null));
        Assert.Equal(PackageErrorKind.MissingPart, read.Error);
        Assert.Contains(entry, read.Message);
    }

    [Theory]
    [InlineData(ModelPackage.ModelEntry, "not protobuf at all")]
    [InlineData(ModelPackage.GoldenEntry, "{\"v\":1")]
    [InlineData(ModelPackage.CardEntry, "{\"v\":1,\"id\":\"vocoder\",\"version\":\"one\",\"metrics\":{}}")]
    [InlineData(ModelPackage.MaskEntry, "{\"v\":7}")]
    public void Read_WithACorruptPart_NamesThePart(string entry, string content)
    {
        var read = ModelPackageReader.Read(Rewrite(ModelPackageWriter.Write(Vocoder()), entry, content));
        Assert.Equal(PackageErrorKind.CorruptPart, read.Error);
        Assert.Contains(entry, read.Message);
    }

    [Fact]
    public void Read_GoldenSetForAnotherOutput_IsInconsistent()
    {
        var package = Vocoder();
        var golden = package.Golden with { OutputName = "logits" };
        var read = ModelPackageReader.Read(ModelPackageWriter.Write(package with { Golden = golden }));
        Assert.Equal(PackageErrorKind.Inconsistent, read.Error);
        Assert.Contains("logits", read.Message);
    }

    [Theory]
    [InlineData("1.2.0", "1.10.0", -1)]
    [InlineData("1.2", "1.2.0", 0)]
    [InlineData("2", "1.99.99", 1)]
    [InlineData("bad", "0.0.1", -1)]
    public void ModelVersions_CompareNumerically(string left, string right, int sign)
    {
        Assert.Equal(sign, Math.Sign(ModelVersions.Compare(left, right)));
    }

    private static byte[] Rewrite(byte[] package, string entry, string? content)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in source.Entries.Where(e => e.FullName != entry))
            {
                using var from = e.Open();
                using var to = target.CreateEntry(e.FullName).Open();
                from.CopyTo(to);
            }

            if (content is not null)
            {
                using var to = target.CreateEntry(entry).Open();
                to.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return output.ToArray();
    }
}
