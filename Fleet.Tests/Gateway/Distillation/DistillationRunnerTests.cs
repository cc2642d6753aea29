using System.Globalization;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Insights;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Writing;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Distillation;

public sealed class DistillationRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_OnTheFailingRegion_CutsTheStudentsErrorThere_AndKeepsTheNormalRange()
    {
        using var teacher = OnnxTeacher.Load(ReferenceModels.Build().Vocoder.Onnx, Mlp.OutputName);
        var parent = ParentBlindAbovePitch(0.5f);
        var region = HighPitchRegion();
        var stages = new List<DistillationProgress>();

        var result = DistillationRunner.Run(teacher, parent, region, "1.1.0", Policy, stages.Add, CancellationToken.None);

        var m = result.Metrics;
        output.WriteLine(string.Join(", ", m.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:0.####}"))));
        Assert.True(m["regionErrorAfter"] < 0.6 * m["regionErrorBefore"], $"region error {m["regionErrorBefore"]} → {m["regionErrorAfter"]}");
        Assert.True(m["normalErrorAfter"] < 1.5 * m["normalErrorBefore"], $"normal error {m["normalErrorBefore"]} → {m["normalErrorAfter"]}");
        Assert.Equal("1.0.0", result.Package.Card.Parent);
        Assert.Equal("1.1.0", result.Package.Card.ModelVersion);
        Assert.Equal(Policy.Epochs, stages.Count(s => s.Stage == "training"));
        Assert.Equal(Policy.Epochs, stages.Last(s => s.Stage == "training").Epoch);

        // The package is readable as any device would read it.
        Assert.True(ModelPackageReader.Read(ModelPackageWriter.Write(result.Package)).IsSuccess);
    }

    [Fact]
    public void Run_RegionOfTheWrongWidth_IsRefused()
    {
        var region = HighPitchRegion() with { Centroid = [0.5, 0.5] };
        using var teacher = OnnxTeacher.Load(ReferenceModels.Build().Vocoder.Onnx, Mlp.OutputName);
        Assert.Throws<DistillationException>(() =>
            DistillationRunner.Run(teacher, ParentBlindAbovePitch(0.5f), region, "1.1.0", Policy, _ => { }, CancellationToken.None));
    }

    [Fact]
    public void Run_WithATeacherTheMlpReaderRefuses_LabelsItThroughOnnxRuntime_AndStillImprovesTheStudent()
    {
        var vocoder = ReferenceModels.Build().Vocoder;
        var onnx = GemmTeacher(vocoder.Network);
        Assert.Throws<OnnxFormatException>(() => Mlp.FromOnnx(OnnxModelReader.Read(onnx)));
        using var teacher = OnnxTeacher.Load(onnx, "frame");

        var inputs = ReferenceModels.SynthSet(300, seed: 9).Inputs;
        var labels = teacher.Label(inputs);
        for (var i = 0; i < 300; i++)
        {
            var expected = vocoder.Network.Forward(inputs.AsSpan(i * 3, 3));
            for (var o = 0; o < expected.Length; o++)
            {
                Assert.Equal(expected[o], labels[(i * expected.Length) + o], 3e-4f);
            }
        }

        var m = DistillationRunner.Run(teacher, ParentBlindAbovePitch(0.5f), HighPitchRegion(), "1.1.0", Policy, _ => { }, CancellationToken.None).Metrics;

        Assert.True(m["regionErrorAfter"] < 0.6 * m["regionErrorBefore"], $"region error {m["regionErrorBefore"]} → {m["regionErrorAfter"]}");
    }

    [Fact]
    public void Load_TeacherWithTwoInputs_IsRefusedWithItsShape()
    {
        var graph = new OnnxGraphBuilder("two_inputs");
        var a = graph.Input("a", TensorElementType.Float, -1, 3);
        var b = graph.Input("b", TensorElementType.Float, -1, 3);
        graph.Add(a, b, "sum");
        graph.Output("sum", TensorElementType.Float, -1, 3);

        var error = Assert.Throws<DistillationException>(() => OnnxTeacher.Load(graph.Build(), null));

        Assert.Contains("one float input", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same function as <paramref name="network"/> written the way other exporters do: Gemm with transposed weights named
    /// like a PyTorch state dict, a differently named input and output. <see cref="Mlp.FromOnnx"/> cannot read it; ORT can run it.
    /// </summary>
    internal static byte[] GemmTeacher(Mlp network)
    {
        var graph = new OnnxGraphBuilder("torch_export");
        var h = graph.Input("x", TensorElementType.Float, -1, network.InputSize);
        for (var l = 0; l < network.LayerCount; l++)
        {
            int rows = network.Sizes[l], cols = network.Sizes[l + 1];
            var transposed = new float[rows * cols];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < cols; c++)
                {
                    transposed[(c * rows) + r] = network.Weights[l][(r * cols) + c];
                }
            }

            var last = l == network.LayerCount - 1;
            var w = graph.Initializer($"layers.{l}.weight", transposed, cols, rows);
            var b = graph.Initializer($"layers.{l}.bias", network.Biases[l], cols);
            var activation = last ? network.OutputActivation : network.HiddenActivation;
            var z = graph.Gemm(h, w, b, transposeB: true, output: last && activation == Activation.Identity ? "frame" : null);
            h = activation switch
            {
                Activation.Identity => z,
                Activation.Tanh => graph.Tanh(z, last ? "frame" : null),
                Activation.Relu => graph.Relu(z, last ? "frame" : null),
                _ => graph.Sigmoid(z, last ? "frame" : null),
            };
        }

        graph.Output("frame", TensorElementType.Float, -1, network.OutputSize);
        return graph.Build();
    }

    private static DistillationPolicy Policy => new() { RegionSamples = 1500, NormalSamples = 1000, EvaluationSamples = 300, Epochs = 15 };

    /// <summary>A small student trained only on pitch below <paramref name="maxPitch"/>: it fails on high pitch.</summary>
    internal static ModelPackage ParentBlindAbovePitch(float maxPitch)
    {
        var full = ReferenceModels.SynthSet(3000, seed: 5);
        var keep = Enumerable.Range(0, full.Count).Where(i => full.Input(i)[0] < maxPitch).ToArray();
        var inputs = keep.SelectMany(i => full.Input(i).ToArray()).ToArray();
        var targets = keep.SelectMany(i => full.Target(i).ToArray()).ToArray();
        var data = new TrainingSet(keep.Length, full.InputSize, full.OutputSize, inputs, targets);
        var student = Mlp.Create([3, 32, 32, HarmonicSynth.FrameLength], Activation.Tanh, Activation.Identity, seed: 11);
        MlpTrainer.Train(student, data, new TrainingOptions { Epochs = 25, Seed = 11 });

        var goldenInputs = ReferenceModels.SynthSet(16, seed: 6);
        var cases = Enumerable.Range(0, 16).Select(i => new GoldenCase(goldenInputs.Input(i).ToArray(), student.Forward(goldenInputs.Input(i)))).ToArray();
        var golden = new GoldenSet(1, "vocoder", Mlp.InputName, Mlp.OutputName, ReferenceModels.GoldenTolerance, cases);
        var baseline = BaselineHistogram.Build("vocoder", Mlp.OutputName, -1f, 1f, ReferenceModels.HistogramBins, cases.SelectMany(c => c.Expected));
        var card = new ModelCard(1, "vocoder", "1.0.0", null, new Dictionary<string, double>());
        return new ModelPackage(student.ToOnnx("vocoder", exposeHidden: true), golden, baseline, null, card);
    }

    /// <summary>What devices report for the blind student: pitch in [0.6875, 1.0625], the other controls anywhere in [0, 1].</summary>
    internal static AggregatedRegion HighPitchRegion()
    {
        static double[] Bins(int from, int to) => [.. Enumerable.Range(0, 16).Select(b => b >= from && b <= to ? 1.0 : 0.0)];
        return new AggregatedRegion(10, 0, 250, [0.85, 0.5, 0.5], [0.1, 0.29, 0.29], -1, 2, [Bins(9, 10), Bins(6, 10), Bins(6, 10)]);
    }
}
