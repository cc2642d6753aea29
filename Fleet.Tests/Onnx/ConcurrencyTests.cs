using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Reference;

namespace Fleet.Tests.Onnx;

/// <summary>One session run from many threads at once, each with its own RunContext, gives every thread its own correct answer.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void OneSession_ManyThreads_EachGetsCorrectOutputs()
    {
        var model = OnnxTestModels.Mlp("Concurrent", [16, 64, 64, 4], new Random(7), batch: 1, exposeHidden: false);
        var reference = new ReferenceEvaluator(OnnxModelReader.Read(model.Model));
        const int Threads = 8;
        const int RunsPerThread = 300;
        var inputs = Enumerable.Range(0, Threads).Select(t => Enumerable.Range(0, 16).Select(i => (float)Math.Sin((t * 16) + i)).ToArray()).ToArray();
        var expected = inputs.Select(x => reference.Run([new InputTensor("x", [1, 16], x)])[0].Floats!).ToArray();

        using var session = InferenceSession.Create(model.Model);
        var failures = 0;
        var maxError = 0f;
        var gate = new Lock();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            using var context = session.CreateRunContext();
            start.SignalAndWait();
            for (var run = 0; run < RunsPerThread; run++)
            {
                inputs[t].CopyTo(context.Input(0).AsSpan<float>());
                context.Run();
                var output = context.Output(0).AsSpan<float>();
                var error = 0f;
                for (var i = 0; i < output.Length; i++)
                {
                    error = MathF.Max(error, MathF.Abs(output[i] - expected[t][i]));
                }

                lock (gate)
                {
                    maxError = MathF.Max(maxError, error);
                    failures += error > 1e-5f ? 1 : 0;
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, failures);
        Assert.True(maxError <= 1e-5f, $"max abs error {maxError}");
    }

    [Fact]
    public void ConvenienceRun_FromManyTasks_IsCorrect()
    {
        var model = OnnxTestModels.Get("Conv1d");
        var reference = new ReferenceEvaluator(OnnxModelReader.Read(model.Model)).Run(model.Inputs)[0].Floats!;
        using var session = InferenceSession.Create(model.Model);
        var results = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => session.Run(model.Inputs)[0].Floats!).ToArray();
        Assert.All(results, r => Assert.True(r.Zip(reference, (a, b) => MathF.Abs(a - b)).Max() <= 1e-5f));
    }
}
