using System.CommandLine;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Fleet;

/// <summary><c>fleet incidents</c>: fleet incidents, newest first.</summary>
internal static class IncidentsCommand
{
    public static Command Create()
    {
        var command = new Command("incidents", "Fleet incidents: one failure signature on many devices of a model version");
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var incidents = await client.GetAsync("/api/v1/incidents", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(incidents);
                return;
            }

            var table = new Table().AddColumns("Raised", "Diagnosis", "Model", "Devices", "Share", "Action", "Rolled back to");
            foreach (var i in incidents.GetProperty("items").EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(CliOutput.Time(i, "raised")), Markup.Escape(CliOutput.Text(i, "diagnosis")),
                    Markup.Escape($"{CliOutput.Text(i, "modelId")} {CliOutput.Text(i, "modelVersion")}"),
                    $"{CliOutput.Text(i, "devices")}/{CliOutput.Text(i, "devicesOnVersion")}", CliOutput.Text(i, "share"),
                    Markup.Escape(CliOutput.Text(i, "action")), Markup.Escape(CliOutput.Text(i, "rollbackTo")));
            }

            output.Console.Write(table);
        }, ct));
        return command.WithConnection();
    }
}
