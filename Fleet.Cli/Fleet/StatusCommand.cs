using System.CommandLine;
using System.Text.Json;
using Fleet.Cli.Connection;
using Fleet.Cli.Devices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Fleet;

/// <summary><c>fleet status</c>: a live view of the fleet (refreshes until Ctrl-C; <c>--once</c> prints one frame).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 }.PositiveFinite();
        var once = new Option<bool>("--once") { Description = "Print one frame and exit" };
        var command = new Command("status", "Live fleet view: devices by health and model, incidents, ingest") { interval, once };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            if (output.Json || parse.GetValue(once))
            {
                var (summary, incidents) = await ReadAsync(client, ct).ConfigureAwait(false);
                if (output.Json)
                {
                    output.WriteJson(summary);
                }
                else
                {
                    output.Console.Write(Render(summary, incidents, client));
                }

                return;
            }

            var period = TimeSpan.FromSeconds(Math.Max(0.2, parse.GetValue(interval)));
            var first = await ReadAsync(client, ct).ConfigureAwait(false);
            await output.Console.Live(Render(first.Summary, first.Incidents, client)).StartAsync(async live =>
            {
                while (!ct.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(period, CliClock.Time, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    var (summary, incidents) = await ReadAsync(client, ct).ConfigureAwait(false);
                    live.UpdateTarget(Render(summary, incidents, client));
                }
            }).ConfigureAwait(false);
        }, ct));
        return command.WithConnection();
    }

    private static async Task<(JsonElement Summary, JsonElement Incidents)> ReadAsync(GatewayClient client, CancellationToken cancellationToken)
    {
        var summary = await client.GetAsync("/api/v1/fleet/summary", cancellationToken).ConfigureAwait(false);
        var incidents = await client.GetAsync("/api/v1/incidents?limit=5", cancellationToken).ConfigureAwait(false);
        return (summary, incidents);
    }

    private static IRenderable Render(JsonElement summary, JsonElement incidents, GatewayClient client)
    {
        _ = client;
        var header = new Markup(
            $"[bold]{summary.GetProperty("total").GetInt32()}[/] devices, [green]{summary.GetProperty("online").GetInt32()} online[/], " +
            $"[red]{summary.GetProperty("quarantined").GetInt32()} quarantined[/], {summary.GetProperty("twinsLoaded").GetInt64()} twins loaded, " +
            $"{summary.GetProperty("shardsConnected").GetInt32()} shard sessions");
        var health = new Table().Title("By health").AddColumns("Health", "Devices");
        foreach (var h in summary.GetProperty("byHealth").EnumerateObject())
        {
            health.AddRow(DevicesCommand.HealthMarkup(h.Name == "unknown" ? "" : h.Name), h.Value.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var models = new Table().Title("By model version").AddColumns("Version", "Devices");
        foreach (var m in summary.GetProperty("byModelVersion").EnumerateObject())
        {
            models.AddRow(Markup.Escape(m.Name), m.Value.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var ingest = summary.GetProperty("ingest");
        var ingestLine = new Markup(Markup.Escape(
            $"ingest: {ingest.GetProperty("reports").GetInt64()} reports, {ingest.GetProperty("telemetry").GetInt64()} telemetry, " +
            $"{ingest.GetProperty("events").GetInt64()} events, {ingest.GetProperty("rejected").GetInt64()} rejected"));
        var incidentTable = new Table().Title("Recent incidents").AddColumns("Raised", "Signature", "Devices", "Action");
        foreach (var i in incidents.GetProperty("items").EnumerateArray())
        {
            incidentTable.AddRow(Markup.Escape(CliOutput.Time(i, "raised")), Markup.Escape($"{CliOutput.Text(i, "diagnosis")} on {CliOutput.Text(i, "modelVersion")}"),
                CliOutput.Text(i, "devices"), Markup.Escape(CliOutput.Text(i, "action")));
        }

        return new Rows(header, new Columns(health, models), ingestLine, incidentTable);
    }
}
