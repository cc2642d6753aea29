using Fleet.Shared.Learning;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Device.Inference;

/// <summary>
/// Runs a tiny model with a known output before anything else (some arm64 ONNX Runtime builds die with SIGILL or
/// compute garbage): the agent refuses to start, clearly, when the runtime is missing or wrong.
/// </summary>
internal static class OrtSelfCheck
{
    /// <summary>The loaded native library's version (call after <see cref="Run"/> succeeded).</summary>
    public static string RuntimeVersion => OnnxRuntime.Version;

    /// <summary>Null when ONNX Runtime loads and computes correctly; otherwise why not.</summary>
    public static string? Run()
    {
        try
        {
            OnnxRuntime.Initialize();
            // y = tanh(x·W + b) with W = [[1],[2]], b = [0.5]: x = (0.25, -0.5) gives tanh(-0.25).
            var mlp = Mlp.FromParameters([2, 1], Activation.Tanh, Activation.Tanh, [[1f, 2f]], [[0.5f]]);
            using var session = InferenceSession.Create(mlp.ToOnnx("selfcheck"));
            var y = session.Run([new InputTensor(Mlp.InputName, [1, 2], [0.25f, -0.5f])])[0].Floats!;
            var expected = MathF.Tanh(-0.25f);
            return y.Length == 1 && MathF.Abs(y[0] - expected) < 1e-5f
                ? null
                : $"ONNX Runtime {OnnxRuntime.Version} computed {string.Join(",", y)} for a model whose answer is {expected}";
        }
        catch (OnnxRuntimeException ex)
        {
            return $"ONNX Runtime is not usable: {ex.Message}";
        }
    }
}
