using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Fleet.Cli.Connection;

/// <summary>Options every gateway command takes, and how commands run and print.</summary>
internal static class CliCommon
{
    // Relaxed escaping: a model key like vocoder+1.0.0 prints as written, not as vocoder\u002B1.0.0 (the output is
    // for terminals and scripts, never embedded in HTML).
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly Option<string?> Url = new("--url") { Description = "Gateway URL (else FLEET_URL, ~/.config/fleet/config.json, http://127.0.0.1:5080)", Recursive = true };

    public static readonly Option<string?> Token = new("--token") { Description = "API token (else FLEET_TOKEN, ~/.config/fleet/config.json, data/demo/credentials)", Recursive = true };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON instead of a table", Recursive = true };

    /// <summary>Adds the connection options to a top-level command (they apply to its subcommands).</summary>
    public static T WithConnection<T>(this T command)
        where T : Command
    {
        command.Add(Url);
        command.Add(Token);
        command.Add(Json);
        return command;
    }

    /// <summary>Runs <paramref name="action"/> with a client; a <see cref="CliException"/> becomes one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<GatewayClient, CliOutput, Task> action, CancellationToken cancellationToken)
    {
        var output = new CliOutput(parse.InvocationConfiguration.Output, parse.GetValue(Json));
        try
        {
            var settings = CliSettings.Resolve(parse.GetValue(Url), parse.GetValue(Token), Environment.GetEnvironmentVariable,
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Directory.GetCurrentDirectory());
            using var client = new GatewayClient(settings);
            await action(client, output).ConfigureAwait(false);
            return 0;
        }
        catch (CliException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("fleet: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    public static string ToPrettyJson(JsonElement element) => JsonSerializer.Serialize(element, Pretty);

    /// <summary>Refuses a value that is not a finite number above zero with a one-line parse error (1e400 parses as infinity).</summary>
    public static Option<double?> PositiveFinite(this Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && !(double.IsFinite(value) && value > 0))
            {
                result.AddError($"{option.Name} must be a finite number above 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
            }
        });
        return option;
    }

    /// <summary>The same for an option that always has a value.</summary>
    public static Option<double> PositiveFinite(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!(double.IsFinite(value) && value > 0))
            {
                result.AddError($"{option.Name} must be a finite number above 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
            }
        });
        return option;
    }
}
