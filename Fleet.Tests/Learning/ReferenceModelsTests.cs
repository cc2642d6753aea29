using System.Buffers.Binary;
using Fleet.Shared.Models;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Reading;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Learning;

/// <summary>
/// The generated reference models reach their stated quality, pass golden validation on clean weights and fail it
/// on flipped bits, and are written as files ONNX's own checker accepts.
/// </summary>
public sealed class ReferenceModelsTests
{
    /// <summary>Relative RMS error vs the harmonic synthesiser on 400 held-out controls (measured ≈ 0.15–0.16).</summary>
    private const float VocoderMaxRelativeError = 0.20f;

    /// <summary>The distilled safety model (3-32-32-160, α = 0.5) and the 50 % pruned, mask-fine-tuned model.</summary>
    private const float VariantMaxRelativeError = 0.22f;

    [Fact]
    public void Vocoder_AndDistilledVariants_ReachTheStatedError()
    {
        var set = ReferenceModels.Build();
        Assert.True(set.Vocoder.RelativeError <= VocoderMaxRelativeError, $"vocoder relative error {set.Vocoder.RelativeError}");
        Assert.True(set.Safety.RelativeError <= VariantMaxRelativeError, $"safety relative error {set.Safety.RelativeError}");
        Assert.True(set.Pruned.RelativeError <= VariantMaxRelativeError, $"pruned relative error {set.Pruned.RelativeError}");
        Assert.True(set.Safety.Onnx.Length < set.Vocoder.Onnx.Length / 2);
        Assert.Equal(0.5, set.PrunedMask.Sparsity, 3);
    }

    [Fact]
    public void GoldenValidation_PassesOnCleanWeights_FailsOnAFlippedBit_AndPassesAfterRestore()
    {
        var model = ReferenceModels.Build().Vocoder;
        using var weights = CallerOwnedWeights.FromModel(OnnxModelReader.Read(model.Onnx));
        using var session = InferenceSession.Create(model.Onnx, weights.ApplyTo());
        Assert.True(GoldenValidator.Validate(session.Run, model.Golden).Passed);

        var w1 = weights.Tensors["w1"].AsSpan<float>();
        var golden = w1.ToArray();
        ReferenceModels.FlipBit(w1, index: 100, bit: 30);
        var corrupted = GoldenValidator.Validate(session.Run, model.Golden);
        Assert.False(corrupted.Passed);
        Assert.Contains("FAILED", corrupted.Message);

        golden.CopyTo(w1);
        Assert.True(GoldenValidator.Validate(session.Run, model.Golden).Passed);
    }

    [Fact]
    public void BaselineHistogram_CountsEveryOutputValue()
    {
        var set = ReferenceModels.Build();
        var baseline = set.Vocoder.Baseline;
        Assert.Equal(set.TestSet.Count * 160L, baseline.Total);
        Assert.Equal(ReferenceModels.HistogramBins, baseline.Counts.Length);
        Assert.Equal(baseline.Counts, BaselineHistogram.FromJson(baseline.ToJson()).Counts);
    }

    [Fact]
    public async Task WriteTo_WritesCheckableModels_GoldenSets_Histograms_Mask_AndWavs_ThenReusesThem()
    {
        var directory = Directory.CreateTempSubdirectory("fleet-reference-");
        try
        {
            var manifest = ReferenceModels.WriteTo(directory.FullName);
            foreach (var name in new[] { "vocoder", "vocoder-safety", "vocoder-pruned" })
            {
                Assert.True(File.Exists(Path.Combine(directory.FullName, $"{name}.onnx")));
                var golden = GoldenSet.FromJson(await File.ReadAllTextAsync(Path.Combine(directory.FullName, $"{name}.golden.json")));
                using var session = InferenceSession.Load(Path.Combine(directory.FullName, $"{name}.onnx"));
                Assert.True(GoldenValidator.Validate(session.Run, golden).Passed);
                BaselineHistogram.FromJson(await File.ReadAllTextAsync(Path.Combine(directory.FullName, $"{name}.baseline.json")));
            }

            var wav = await File.ReadAllBytesAsync(Path.Combine(directory.FullName, "vocoder.wav"));
            Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
            Assert.Equal(16_000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
            Assert.Equal(200 * 160 * 2, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)));
            Assert.True(File.Exists(Path.Combine(directory.FullName, "vocoder-bitflip.wav")));

            var check = await ProcessRunner.RunAsync("/usr/bin/python3",
                ["-c", "import glob,sys,onnx\nfor p in glob.glob(sys.argv[1]+'/*.onnx'): onnx.checker.check_model(onnx.load(p), full_check=True)", directory.FullName],
                TimeSpan.FromSeconds(60));
            Assert.True(check.ExitCode == 0, check.StandardError);

            var stamp = File.GetLastWriteTimeUtc(Path.Combine(directory.FullName, "vocoder.onnx"));
            var again = ReferenceModels.WriteTo(directory.FullName);
            Assert.Equal(manifest.FileSha256, again.FileSha256);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(directory.FullName, "vocoder.onnx")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generation_IsDeterministic()
    {
        var a = ReferenceModels.SynthSet(8, 5);
        var b = ReferenceModels.SynthSet(8, 5);
        Assert.Equal(a.Targets, b.Targets);
        // The cached set is what a fresh process would write: its ONNX bytes are a pure function of the code.
        Assert.Equal(ReferenceModels.Build().Vocoder.Onnx, ReferenceModels.Build().Vocoder.Network.ToOnnx("vocoder", exposeHidden: true));
    }
}
