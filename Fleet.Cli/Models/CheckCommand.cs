using System.CommandLine;
using Fleet.Shared.Models;
using Fleet.Shared.Onnx;

namespace Fleet.Cli.Models;

/// <summary><c>fleet model check FILE --golden FILE</c>: exit 0 when every golden case is within tolerance, 1 when not.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "ONNX model file" };
        var golden = new Option<string>("--golden") { Description = "Golden set JSON (as written by `fleet model reference`)", Required = true };
        var command = new Command("check", "Validate a model against a golden set (exit 0 = pass, 1 = fail, 2 = error)") { file, golden };
        command.SetAction(parse => ModelCommand.Guard("check", Console.Error, () => Run(parse.GetValue(file)!, parse.GetValue(golden)!, Console.Out)));
        return command;
    }

    public static int Run(string path, string goldenPath, TextWriter output)
    {
        var golden = GoldenSet.FromJson(File.ReadAllText(goldenPath));
        using var session = InferenceSession.Load(path);
        var result = GoldenValidator.Validate(session.Run, golden);
        output.WriteLine($"{path}: {result.Message}");
        return result.Passed ? 0 : 1;
    }
}
