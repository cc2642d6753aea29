using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Registry;

/// <summary><c>fleet models insights VERSION</c>: the fleet's ranked failure signatures and robust failing region for a version.</summary>
internal static class ModelInsightsCommand
{
    public static Command Create()
    {
        var version = new Argument<string>("version") { Description = "Model version" };
        var id = new Option<string?>("--id") { Description = "Model id (needed only when several models have this version)" };
        var command = new Command("insights", "Failure insights of a model version, aggregated across the fleet") { version, id };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var modelVersion = parse.GetValue(version)!;
            var modelId = parse.GetValue(id) ?? await ResolveIdAsync(client, modelVersion, ct).ConfigureAwait(false);
            var summary = await client.GetAsync($"/api/v1/models/{Uri.EscapeDataString(modelId)}/{Uri.EscapeDataString(modelVersion)}/insights", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(summary);
                return;
            }

            Print(output, modelId, modelVersion, summary);
        }, ct));
        return command;
    }

    /// <summary>The id of the one registered model with <paramref name="version"/>.</summary>
    internal static async Task<string> ResolveIdAsync(GatewayClient client, string version, CancellationToken cancellationToken)
    {
        var list = await client.GetAsync("/api/v1/models", cancellationToken).ConfigureAwait(false);
        var ids = list.GetProperty("items").EnumerateArray()
            .Where(m => CliOutput.Text(m, "version") == version)
            .Select(m => CliOutput.Text(m, "id"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return ids switch
        {
            [var only] => only,
            [] => throw new CliException($"no registered model has version {version}"),
            _ => throw new CliException($"models {string.Join(", ", ids)} all have version {version}; name one with --id"),
        };
    }

    private static void Print(CliOutput output, string modelId, string modelVersion, JsonElement summary)
    {
        output.Writer.WriteLine($"{modelId} {modelVersion}: {summary.GetProperty("insights").GetInt32()} insights from {summary.GetProperty("devices").GetInt32()} devices");
        var table = new Table().AddColumns("Signature", "Devices", "KL mean", "Outcomes");
        foreach (var s in summary.GetProperty("signatures").EnumerateArray())
        {
            var outcomes = string.Join(", ", s.GetProperty("outcomes").EnumerateObject().Select(o => $"{o.Name} {o.Value.GetInt32()}"));
            table.AddRow(
                Markup.Escape(CliOutput.Text(s, "signature")),
                s.GetProperty("devices").GetInt32().ToString(CultureInfo.InvariantCulture),
                Number(s, "klMean"),
                Markup.Escape(outcomes));
        }

        output.Console.Write(table);
        if (summary.GetProperty("region") is { ValueKind: JsonValueKind.Object } region)
        {
            var centroid = string.Join(", ", region.GetProperty("centroid").EnumerateArray().Select(v => v.GetDouble().ToString("0.###", CultureInfo.InvariantCulture)));
            var spread = string.Join(", ", region.GetProperty("stdDev").EnumerateArray().Select(v => v.GetDouble().ToString("0.###", CultureInfo.InvariantCulture)));
            var noisy = region.TryGetProperty("noisyDevices", out var n) && n.GetInt32() > 0 ? $", {n.GetInt32()} with calibrated noise" : "";
            output.Writer.WriteLine($"failing region (robust over {region.GetProperty("devices").GetInt32()} devices{noisy}): centroid [{centroid}], spread [{spread}]");
        }
        else
        {
            output.Writer.WriteLine("no input-region sketches yet");
        }
    }

    private static string Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture)
            : "-";
}
