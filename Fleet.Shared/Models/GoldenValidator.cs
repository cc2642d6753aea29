using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Models;

/// <summary>Runs a golden set through a model runner and compares every output element with the tolerance.</summary>
/// <remarks>
/// The runner is any forward pass with named inputs and outputs, typically an ONNX Runtime session's <c>Run</c>; this
/// type does not depend on ONNX Runtime. A model whose outputs do not fit the set (no such output, another width) fails
/// validation with a message saying so; exceptions from the runner itself pass through.
/// </remarks>
public static class GoldenValidator
{
    /// <summary>Validates the model behind <paramref name="run"/> against <paramref name="golden"/>. A NaN output fails.</summary>
    public static GoldenResult Validate(Func<IReadOnlyList<InputTensor>, IReadOnlyList<OutputTensor>> run, GoldenSet golden)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(golden);
        var failed = 0;
        var worst = 0f;
        foreach (var c in golden.Cases)
        {
            var outputs = run([new InputTensor(golden.InputName, [1, c.Input.Length], c.Input)]);
            var output = outputs.FirstOrDefault(o => o.Name == golden.OutputName)?.Floats;
            if (output is null)
            {
                return Mismatch(golden, $"the model has no float output '{golden.OutputName}'");
            }

            if (output.Length != c.Expected.Length)
            {
                return Mismatch(golden, $"output '{golden.OutputName}' has {output.Length} values; the golden set expects {c.Expected.Length}");
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

    private static GoldenResult Mismatch(GoldenSet golden, string reason) =>
        new(false, golden.Cases.Count, golden.Cases.Count, float.PositiveInfinity, golden.Tolerance, $"golden validation FAILED: {reason}");
}
