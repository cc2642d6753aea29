using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Tests.Onnx;

/// <summary>Who keeps the native session alive, and sessions that share the environment's global thread pool.</summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public void RunContext_OfADisposedSession_RefusesToRun_AndStillDisposesCleanly()
    {
        var model = OnnxTestModels.Get("MatMul");
        var session = InferenceSession.Create(model.Model);
        var context = session.CreateRunContext();
        context.Run();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(context.Run);
        Assert.Throws<ObjectDisposedException>(() => session.CreateRunContext());
        context.Dispose();
        context.Dispose();
    }

    [Fact]
    public void SessionsOnTheGlobalThreadPool_RunConcurrently_AndAgreeWithAPoolOfTheirOwn()
    {
        var model = OnnxTestModels.Mlp("Global", [8, 32, 4], new Random(11), batch: 1, exposeHidden: false);
        using var own = InferenceSession.Create(model.Model);
        var expected = own.Run(model.Inputs)[0].Floats!;

        var sessions = Enumerable.Range(0, 6).Select(_ => InferenceSession.Create(model.Model, new OnnxSessionOptions { UseGlobalThreadPool = true })).ToList();
        try
        {
            var results = sessions.AsParallel().WithDegreeOfParallelism(3).Select(s =>
            {
                using var context = s.CreateRunContext();
                model.Inputs[0].Floats!.CopyTo(context.Input(0).AsSpan<float>());
                for (var i = 0; i < 200; i++)
                {
                    context.Run();
                }

                return context.Output(0).AsSpan<float>().ToArray();
            }).ToList();
            Assert.All(results, r => Assert.Equal(expected, r));
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }
}
