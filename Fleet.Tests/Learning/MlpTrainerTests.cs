using Fleet.Shared.Learning;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Tests.Learning;

/// <summary>Backprop + Adam learn, deterministically per seed, and the exported ONNX computes what the C# network computes.</summary>
public sealed class MlpTrainerTests
{
    private static TrainingSet Smooth(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * 2];
        var targets = new float[count * 2];
        for (var i = 0; i < count; i++)
        {
            float a = (float)((random.NextDouble() * 2) - 1), b = (float)((random.NextDouble() * 2) - 1);
            inputs[2 * i] = a;
            inputs[(2 * i) + 1] = b;
            targets[2 * i] = (0.5f * a) - (0.25f * b);
            targets[(2 * i) + 1] = MathF.Sin(2 * a) * 0.5f;
        }

        return new TrainingSet(count, 2, 2, inputs, targets);
    }

    [Fact]
    public void Train_OnASmoothFunction_ReducesErrorBelowOnePercentOfTheStart()
    {
        var data = Smooth(512, 1);
        var network = Mlp.Create([2, 16, 2], Activation.Tanh, Activation.Identity, seed: 3);
        var before = MlpTrainer.MeanSquaredError(network, data);
        var report = MlpTrainer.Train(network, data, new TrainingOptions { Epochs = 200, BatchSize = 16, Seed = 4 });
        var after = MlpTrainer.MeanSquaredError(network, data);
        Assert.True(after < before * 0.01f, $"MSE {before} → {after}");
        Assert.True(report.FinalLoss < report.EpochLosses[0]);
    }

    [Fact]
    public void Train_WithTheSameSeed_GivesBitIdenticalNetworks()
    {
        var data = Smooth(128, 2);
        Mlp Run(int seed)
        {
            var network = Mlp.Create([2, 8, 8, 2], Activation.Relu, Activation.Identity, seed: 5);
            MlpTrainer.Train(network, data, new TrainingOptions { Epochs = 5, Seed = seed });
            return network;
        }

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);
        Assert.Equal(a.Weights.SelectMany(w => w), b.Weights.SelectMany(w => w));
        Assert.NotEqual(a.Weights.SelectMany(w => w), c.Weights.SelectMany(w => w));
    }

    [Fact]
    public void Distillation_WithAlphaOne_FollowsTheTeacherNotTheTargets()
    {
        var data = Smooth(256, 3);
        // A teacher that computes something else entirely: the student must copy it when α = 1.
        var teacher = Mlp.Create([2, 8, 2], Activation.Sigmoid, Activation.Identity, seed: 9);
        var distilled = data.WithTeacher(teacher);
        var student = Mlp.Create([2, 16, 2], Activation.Tanh, Activation.Identity, seed: 10);
        MlpTrainer.Train(student, distilled, new TrainingOptions { Epochs = 60, Seed = 11, Alpha = 1f });
        var toTeacher = MlpTrainer.MeanSquaredError(student, data with { Targets = distilled.TeacherOutputs! });
        var toTargets = MlpTrainer.MeanSquaredError(student, data);
        Assert.True(toTeacher < toTargets / 10, $"MSE to teacher {toTeacher}, to targets {toTargets}");
    }

    [Theory]
    [InlineData(Activation.Tanh, Activation.Identity)]
    [InlineData(Activation.Relu, Activation.Sigmoid)]
    [InlineData(Activation.Sigmoid, Activation.Tanh)]
    public void ExportedNetwork_RunInOrt_MatchesTheCSharpForwardPass(Activation hidden, Activation output)
    {
        var network = Mlp.Create([5, 32, 24, 7], hidden, output, seed: 12);
        using var session = InferenceSession.Create(network.ToOnnx("probe", exposeHidden: true));
        Assert.Equal([Mlp.OutputName, "hidden0", "hidden1"], session.Outputs.Select(o => o.Name));
        var input = new[] { 0.1f, -0.4f, 0.9f, 0.0f, -1.2f };
        var ort = session.Run([new InputTensor(Mlp.InputName, [1, 5], input)])[0].Floats!;
        var reference = network.Forward(input);
        Assert.True(ort.Zip(reference, (a, b) => MathF.Abs(a - b)).Max() <= 1e-5f);
    }

    [Fact]
    public void FromOnnx_ReadsBackTheExportedNetwork()
    {
        var network = Mlp.Create([3, 10, 4], Activation.Relu, Activation.Sigmoid, seed: 13);
        var back = Mlp.FromOnnx(OnnxModelReader.Read(network.ToOnnx("roundtrip")));
        Assert.Equal(network.Sizes, back.Sizes);
        Assert.Equal(Activation.Relu, back.HiddenActivation);
        Assert.Equal(Activation.Sigmoid, back.OutputActivation);
        Assert.Equal(network.Weights.SelectMany(w => w), back.Weights.SelectMany(w => w));
    }

    [Fact]
    public void MagnitudePrune_ZeroesHalfOfEachMatrix_AndMaskedTrainingKeepsThemZero()
    {
        var network = Mlp.Create([2, 16, 2], Activation.Tanh, Activation.Identity, seed: 14);
        var mask = SparsityMask.MagnitudePrune(network, 0.5);
        Assert.Equal(0.5, mask.Sparsity, 3);
        MlpTrainer.Train(network, Smooth(64, 4), new TrainingOptions { Epochs = 3 }, mask);
        for (var l = 0; l < network.LayerCount; l++)
        {
            for (var i = 0; i < network.Weights[l].Length; i++)
            {
                Assert.True(mask.IsKept($"w{l}", i) || network.Weights[l][i] == 0f);
            }
        }

        var back = SparsityMask.FromJson(mask.ToJson());
        Assert.All(Enumerable.Range(0, 32), i => Assert.Equal(mask.IsKept("w0", i), back.IsKept("w0", i)));
    }
}
