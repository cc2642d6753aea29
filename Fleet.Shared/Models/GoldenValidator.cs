using Fleet.Shared.Onnx;

namespace Fleet.Shared.Models;

/// <summary>Runs a golden set through a live session and compares every output element with the tolerance.</summary>
public static class GoldenValidator
{
    /// <summary>Validates <paramref name="session"/> against <paramref name="golden"/>. A NaN output fails.</summary>
    /// <exception cref="OnnxRuntimeException">The session cannot run the golden inputs (wrong model for this set).</exception>
    public static GoldenResult Validate(InferenceSession session, GoldenSet golden)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(golden);
        var failed = 0;
        var worst = 0f;
        foreach (var c in golden.Cases)
        {
            var outputs = session.Run([new InputTensor(golden.InputName, [1, c.Input.Length], c.Input)]);
            var output = outputs.FirstOrDefault(o => o.Name == golden.OutputName)?.Floats
                ?? throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"the model has no float output '{golden.OutputName}'");
            if (output.Length != c.Expected.Length)
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"output '{golden.OutputName}' has {output.Length} values; the golden set expects {c.Expected.Length}");
            }

            var caseError = 0f;
            for (var i = 0; i < output.Length; i++)
            {
                var error = MathF.Abs(output[i] - c.Expected[i]);
                caseError = float.IsNaN(error) ? float.PositiveInfinity : MathF.Max(caseError, error);
            }

            worst = MathF.Max(worst, caseError);
            failed += caseError > golden.Tolerance ? 1 : 0;
        }

        var passed = failed == 0;
        var message = passed
            ? $"golden validation passed: {golden.Cases.Count} cases, max abs error {worst:G3} ≤ tolerance {golden.Tolerance:G3}"
            : $"golden validation FAILED: {failed} of {golden.Cases.Count} cases exceed tolerance {golden.Tolerance:G3} (max abs error {worst:G3})";
        return new GoldenResult(passed, golden.Cases.Count, failed, worst, golden.Tolerance, message);
    }
}
