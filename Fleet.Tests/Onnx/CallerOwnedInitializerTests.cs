using Fleet.Shared.Onnx;
using System.Security.Cryptography;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Tests.Onnx;

/// <summary>Caller-owned initializers are the weights inference reads: a change to that memory changes ORT's output.</summary>
public sealed class CallerOwnedInitializerTests
{
    [Theory]
    [InlineData(GraphOptimizationLevel.All)]
    [InlineData(GraphOptimizationLevel.Extended)]
    [InlineData(GraphOptimizationLevel.Basic)]
    [InlineData(GraphOptimizationLevel.Disabled)]
    public void BitFlip_InCallerOwnedWeight_ChangesOrtOutput_AndRestoreRevertsIt(GraphOptimizationLevel level)
    {
        var model = OnnxTestModels.Get("Mlp");
        using var weights = CallerOwnedWeights.FromModel(OnnxModelReader.Read(model.Model));
        using var session = InferenceSession.Create(model.Model, weights.ApplyTo(new OnnxSessionOptions { OptimizationLevel = level }));
        var clean = session.Run(model.Inputs)[0].Floats!;

        var w0 = weights.Tensors["w0"].AsBytes();
        var golden = w0.ToArray();
        // Bit 30 is the top exponent bit of the first float: the weight becomes huge, as a real upset would make it.
        w0[3] ^= 0x40;
        var corrupted = session.Run(model.Inputs)[0].Floats!;
        Assert.NotEqual(clean, corrupted);

        golden.CopyTo(w0);
        Assert.Equal(clean, session.Run(model.Inputs)[0].Floats!);
    }

    [Fact]
    public void CallerOwnedWeights_ThatEqualTheModel_GiveTheModelsOutput()
    {
        var model = OnnxTestModels.Get("Gemm");
        using var plain = InferenceSession.Create(model.Model);
        using var weights = CallerOwnedWeights.FromModel(OnnxModelReader.Read(model.Model));
        using var owned = InferenceSession.Create(model.Model, weights.ApplyTo());
        Assert.Equal(plain.Run(model.Inputs)[0].Floats, owned.Run(model.Inputs)[0].Floats);
    }

    [Fact]
    public void Session_KeepsWeightsAlive_WhenTheCallerDisposesThemFirst()
    {
        var model = OnnxTestModels.Get("MatMul");
        var weights = CallerOwnedWeights.FromModel(OnnxModelReader.Read(model.Model));
        using var session = InferenceSession.Create(model.Model, weights.ApplyTo());
        var before = session.Run(model.Inputs)[0].Floats;
        weights.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(before, session.Run(model.Inputs)[0].Floats);
    }

    [Fact]
    public void DigestOfCallerOwnedBytes_EqualsTheDigestInspectReportsFromTheFile()
    {
        var parsed = OnnxModelReader.Read(OnnxTestModels.Get("Mlp").Model);
        using var weights = CallerOwnedWeights.FromModel(parsed);
        foreach (var init in parsed.Graph.Initializers)
        {
            Assert.Equal(init.Sha256(), Convert.ToHexStringLower(SHA256.HashData(weights.Tensors[init.Name].AsBytes())));
        }
    }
}
