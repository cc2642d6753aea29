using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Registry;

/// <summary><c>fleet models show VERSION</c>: one registered version with its metrics and lineage.</summary>
internal static class ModelShowCommand
{
    public static Command Create()
    {
        var version = new Argument<string>("version") { Description = "Model version" };
        var id = new Option<string?>("--id") { Description = "Model id (needed only when several models have this version)" };
        var command = new Command("show", "A registered model version: hash, signature, parent, metrics, lineage") { version, id };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var modelVersion = parse.GetValue(version)!;
            var modelId = parse.GetValue(id) ?? await ModelInsightsCommand.ResolveIdAsync(client, modelVersion, ct).ConfigureAwait(false);
            var model = await client.GetAsync($"/api/v1/models/{Uri.EscapeDataString(modelId)}/{Uri.EscapeDataString(modelVersion)}", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(model);
                return;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("Model", Markup.Escape($"{modelId} {modelVersion}"));
            grid.AddRow("Parent", Markup.Escape(CliOutput.Text(model, "parentVersion")));
            grid.AddRow("SHA-256", CliOutput.Text(model, "sha256"));
            grid.AddRow("Signed", string.IsNullOrEmpty(CliOutput.Text(model, "signature")) ? "no" : "yes (fleet key)");
            grid.AddRow("Created", Markup.Escape(CliOutput.Time(model, "created")));
            if (model.TryGetProperty("card", out var card) && card.TryGetProperty("lineage", out var lineage))
            {
                grid.AddRow("Teacher", Markup.Escape(CliOutput.Text(lineage, "teacher")));
                grid.AddRow("Insights used", lineage.GetProperty("insightIds").GetArrayLength().ToString(CultureInfo.InvariantCulture));
            }

            output.Console.Write(grid);
            if (model.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object && metrics.EnumerateObject().Any())
            {
                var table = new Table().AddColumns("Metric", "Value");
                foreach (var metric in metrics.EnumerateObject())
                {
                    table.AddRow(Markup.Escape(metric.Name), metric.Value.ValueKind == JsonValueKind.Number
                        ? metric.Value.GetDouble().ToString("0.######", CultureInfo.InvariantCulture)
                        : Markup.Escape(metric.Value.GetRawText()));
                }

                output.Console.Write(table);
            }
        }, ct));
        return command;
    }
}
