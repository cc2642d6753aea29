using System.CommandLine;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Cli.Models;

/// <summary><c>fleet model inspect|run|check|reference</c>: work with ONNX models locally, no gateway needed.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Inspect, run and validate ONNX models; generate the reference models")
        {
            InspectCommand.Create(),
            RunCommand.Create(),
            CheckCommand.Create(),
            ReferenceCommand.Create(),
        };
        return command;
    }

    /// <summary>Runs <paramref name="body"/>, turning expected failures (bad model, bad input, no ORT) into a message and exit code 2.</summary>
    public static int Guard(string verb, TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or OnnxFormatException or IOException or FormatException
            or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException)
        {
            error.WriteLine($"fleet model {verb}: error: {ex.Message}");
            return 2;
        }
    }
}
