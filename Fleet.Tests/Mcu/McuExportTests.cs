using Fleet.Shared.Learning;
using Fleet.Shared.Mcu;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Tests.Cli;

namespace Fleet.Tests.Mcu;

[Collection(McuCollection.Name)]
public sealed class McuExportTests(McuFixture fixture)
{
    [Fact]
    public void ExportMcu_ReferenceVocoder_PrintsAndBoundsTheQuantisationError()
    {
        Assert.Equal(0, fixture.VocoderExport.ExitCode);
        Assert.Contains("int8 vs float over 2000 calibration samples: relative RMS error 0.0", fixture.VocoderExport.Output);
        Assert.Contains("vocoder.h", fixture.VocoderExport.Output);
        Assert.True(File.Exists(Path.Combine(fixture.Exported, "vocoder.digests.json")));
    }

    [Fact]
    public void Forward_Int8Network_StaysCloseToTheFloatModel()
    {
        var reference = ReferenceModels.Build().Vocoder;
        var export = McuExporter.Export(reference.Network, reference.Golden, reference.Baseline, "vocoder", "1.0.0", new McuExportOptions(InputMin: 0, InputMax: 1));
        Assert.InRange(export.Error.RelativeRms, 0.001, 0.05);
        var digests = McuImageWriter.ChunkDigests(export.Image);
        Assert.Equal((McuImageWriter.Parameters(export.Model).Length + 1023) / 1024, digests.Length);
        Assert.All(export.GoldenExpected.Zip(export.GoldenInputs), p => Assert.Equal(p.First, export.Model.Forward(p.Second)));
    }

    [Fact]
    public async Task ExportMcu_PackageOfAnotherVersion_FailsWithAClearError()
    {
        var package = Path.Combine(fixture.Root, "other.zip");
        await File.WriteAllBytesAsync(package, ModelPackageWriter.Write(ModelPackage.FromReference(ReferenceModels.Build().Safety, "vocoder-safety", "2.0.0")));
        var run = await CliRunner.RunAsync("models", "export-mcu", "vocoder-safety", "1.0.0", "--package", package, "--out", Path.Combine(fixture.Root, "x"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the package is vocoder-safety 2.0.0, not vocoder-safety 1.0.0", run.Error);
    }

    [Fact]
    public async Task ExportMcu_NotAPackage_FailsWithAClearError()
    {
        var file = Path.Combine(fixture.Root, "garbage.zip");
        await File.WriteAllTextAsync(file, "not a zip");
        var run = await CliRunner.RunAsync("models", "export-mcu", "vocoder", "1.0.0", "--package", file, "--out", Path.Combine(fixture.Root, "y"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a model package", run.Error);
    }

    [Fact]
    public void Export_ReluHiddenLayers_IsRefusedNamingTheActivation()
    {
        var reference = ReferenceModels.Build().Safety;
        var relu = Mlp.FromParameters(reference.Network.Sizes, Activation.Relu, Activation.Identity, reference.Network.Weights, reference.Network.Biases);
        var error = Assert.Throws<NotSupportedException>(() => McuExporter.Export(relu, reference.Golden, reference.Baseline, "relu", "1.0.0"));
        Assert.Contains("Relu", error.Message);
    }
}
