using System.Text.Json;
using Spectre.Console;

namespace Fleet.Cli.Connection;

/// <summary>Where a command prints: JSON for scripts, Spectre tables for people.</summary>
internal sealed class CliOutput(TextWriter writer, bool json)
{
    // Piped or captured output has no terminal width: rows stay whole lines (greppable) instead of wrapping at 80.
    private const int UnboundedWidth = 240;

    public bool Json { get; } = json;

    public TextWriter Writer { get; } = writer;

    public IAnsiConsole Console { get; } = CreateConsole(writer);

    private static IAnsiConsole CreateConsole(TextWriter writer)
    {
        var terminal = ReferenceEquals(writer, System.Console.Out);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal || System.Console.IsOutputRedirected)
        {
            console.Profile.Width = UnboundedWidth;
        }

        return console;
    }

    public void WriteJson(JsonElement element) => Writer.WriteLine(CliCommon.ToPrettyJson(element));

    /// <summary>A timestamp property for a table cell: UTC to the second (the API's microseconds would wrap the column); empty when absent.</summary>
    public static string Time(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : Text(element, property);

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
