using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Fleet;

/// <summary><c>fleet rejections</c>: device messages the gateway acknowledged without acting on them, newest first.</summary>
internal static class RejectionsCommand
{
    public static Command Create()
    {
        var device = new Option<string?>("--device") { Description = "Only this device's" };
        var kind = new Option<string?>("--kind") { Description = "report, telemetry, events, status, commandResult or unknown" };
        var cause = new Option<string?>("--cause") { Description = "topic, protocol, storeRefused or twinFailed" };
        var limit = new Option<int>("--limit") { Description = "Rejections per page (1-500)", DefaultValueFactory = _ => 50 };
        var all = new Option<bool>("--all") { Description = "Follow pages to the end" };
        var command = new Command("rejections", "Messages from devices that were acknowledged but not acted on (poison messages), and why") { device, kind, cause, limit, all };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var items = new List<JsonElement>();
            string? after = null;
            do
            {
                var query = new List<string> { "limit=" + parse.GetValue(limit).ToString(CultureInfo.InvariantCulture) };
                Add(query, "device", parse.GetValue(device));
                Add(query, "kind", parse.GetValue(kind));
                Add(query, "cause", parse.GetValue(cause));
                Add(query, "after", after);
                var page = await client.GetAsync("/api/v1/rejections?" + string.Join('&', query), ct).ConfigureAwait(false);
                items.AddRange(page.GetProperty("items").EnumerateArray());
                after = parse.GetValue(all) && page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
            }
            while (after is not null);

            if (output.Json)
            {
                output.WriteJson(JsonSerializer.SerializeToElement(new { items }));
                return;
            }

            var table = new Table().AddColumns("Received", "Device", "Kind", "Cause", "Reason", "Bytes");
            table.Columns[0].NoWrap();
            table.Columns[1].NoWrap();
            foreach (var r in items)
            {
                table.AddRow(
                    Markup.Escape(CliOutput.Time(r, "received")), Markup.Escape(CliOutput.Text(r, "device")), Markup.Escape(CliOutput.Text(r, "kind")),
                    Markup.Escape(CliOutput.Text(r, "cause")), Markup.Escape(CliOutput.Text(r, "reason")), CliOutput.Text(r, "size"));
            }

            output.Console.Write(table);
            output.Writer.WriteLine($"{items.Count} rejected message(s)");
        }, ct));
        return command.WithConnection();
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
