using System.Text.Json;
using Spectre.Console;

namespace Fleet.Cli.Connection;

/// <summary>Where a command prints: JSON for scripts, Spectre tables for people.</summary>
internal sealed class CliOutput(TextWriter writer, bool json)
{
    public bool Json { get; } = json;

    public TextWriter Writer { get; } = writer;

    public IAnsiConsole Console { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = ReferenceEquals(writer, System.Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ReferenceEquals(writer, System.Console.Out) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = ReferenceEquals(writer, System.Console.Out) ? InteractionSupport.Detect : InteractionSupport.No,
    });

    public void WriteJson(JsonElement element) => Writer.WriteLine(CliCommon.ToPrettyJson(element));

    public static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            _ => value.GetRawText(),
        } : "";
}
