using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Devices;

/// <summary><c>fleet devices list|show|set-desired|command|quarantine|release|provision</c>.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var devices = new Command("devices", "Devices of the fleet: list, inspect, change desired state, send commands");
        devices.Add(List());
        devices.Add(Show());
        devices.Add(SetDesired());
        devices.Add(SendCommand());
        devices.Add(Quarantine());
        devices.Add(Release());
        devices.Add(ProvisionCommand.Create());
        return devices.WithConnection();
    }

    private static Command List()
    {
        var health = new Option<string?>("--health") { Description = "healthy, degraded, healing, unhealable or unknown" };
        var model = new Option<string?>("--model") { Description = "Model version" };
        var shard = new Option<int?>("--shard") { Description = "Shard number" };
        var online = new Option<bool?>("--online") { Description = "true or false" };
        var quarantined = new Option<bool?>("--quarantined") { Description = "true or false" };
        var limit = new Option<int>("--limit") { Description = "Devices per page", DefaultValueFactory = _ => 100 };
        var all = new Option<bool>("--all") { Description = "Follow pages to the end" };
        var command = new Command("list", "List devices (filters combine)") { health, model, shard, online, quarantined, limit, all };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var items = new List<JsonElement>();
            string? after = null;
            do
            {
                var query = new List<string> { "limit=" + parse.GetValue(limit).ToString(CultureInfo.InvariantCulture) };
                AddQuery(query, "health", parse.GetValue(health));
                AddQuery(query, "model", parse.GetValue(model));
                AddQuery(query, "shard", parse.GetValue(shard)?.ToString(CultureInfo.InvariantCulture));
                AddQuery(query, "online", parse.GetValue(online)?.ToString().ToLowerInvariant());
                AddQuery(query, "quarantined", parse.GetValue(quarantined)?.ToString().ToLowerInvariant());
                AddQuery(query, "after", after);
                var page = await client.GetAsync("/api/v1/devices?" + string.Join('&', query), ct).ConfigureAwait(false);
                items.AddRange(page.GetProperty("items").EnumerateArray());
                after = parse.GetValue(all) && page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
            }
            while (after is not null);

            if (output.Json)
            {
                output.WriteJson(JsonSerializer.SerializeToElement(items));
                return;
            }

            var table = new Table().AddColumns("Device", "Shard", "Online", "Health", "Model", "Last seen", "Quarantined");
            table.Columns[0].NoWrap();
            table.Columns[5].NoWrap();
            foreach (var d in items)
            {
                table.AddRow(
                    Markup.Escape(CliOutput.Text(d, "id")), CliOutput.Text(d, "shard"), CliOutput.Text(d, "online"),
                    HealthMarkup(CliOutput.Text(d, "health")), Markup.Escape(CliOutput.Text(d, "modelVersion")),
                    Markup.Escape(CliOutput.Time(d, "lastSeen")), d.GetProperty("quarantined").GetBoolean() ? "[red]yes[/]" : "");
            }

            output.Console.Write(table);
            output.Writer.WriteLine($"{items.Count} device(s)");
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var command = new Command("show", "A device's twin: desired, reported, delta, health, heal history") { id };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var detail = await client.GetAsync("/api/v1/devices/" + Uri.EscapeDataString(parse.GetValue(id)!), ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(detail);
                return;
            }

            var device = detail.GetProperty("device");
            var twin = detail.GetProperty("twin");
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string value) => grid.AddRow(new Text(name), new Markup(value));
            Row("Device", Markup.Escape(CliOutput.Text(device, "id")) + $" (shard {CliOutput.Text(device, "shard")})");
            if (twin.ValueKind == JsonValueKind.Object)
            {
                Row("Online", CliOutput.Text(twin, "online") + "  last seen " + Markup.Escape(CliOutput.Time(twin, "lastSeen")));
                Row("Health", HealthMarkup(CliOutput.Text(device, "health")));
                Row("Model", Markup.Escape(CliOutput.Text(device, "modelVersion")));
                Row("Quarantined", twin.GetProperty("quarantined").GetBoolean() ? "[red]yes[/] " + Markup.Escape(CliOutput.Text(twin, "quarantineReason")) : "no");
                var delta = twin.GetProperty("delta");
                Row("Desired", "version " + CliOutput.Text(twin, "desiredVersion") + (delta.GetProperty("inSync").GetBoolean() ? " [green]in sync[/]" : " [yellow]pending[/]")
                    + (CliOutput.Text(delta, "cannotApplyReason") is { Length: > 0 } reason ? " [red]refused:[/] " + Markup.Escape(reason) : ""));
                var metrics = twin.GetProperty("metrics");
                Row("KL", Markup.Escape($"{CliOutput.Text(metrics, "kl")} (mean {CliOutput.Text(metrics, "klMean")}, threshold {CliOutput.Text(metrics, "klThreshold")})"));
                Row("Latency p99", Markup.Escape(CliOutput.Text(metrics, "latencyP99Us") + " µs"));
            }

            output.Console.Write(grid);
            var heals = new Table().Title("Heal history").AddColumns("Time", "Diagnosis", "Outcome", "Remediation", "Model");
            heals.Columns[0].NoWrap();
            foreach (var h in detail.GetProperty("heals").EnumerateArray())
            {
                heals.AddRow(Markup.Escape(CliOutput.Time(h, "time")), Markup.Escape(CliOutput.Text(h, "diagnosis")), Markup.Escape(CliOutput.Text(h, "outcome")),
                    Markup.Escape(CliOutput.Text(h, "remediation")), Markup.Escape(CliOutput.Text(h, "modelVersion")));
            }

            output.Console.Write(heals);
        }, ct));
        return command;
    }

    private static Command SetDesired()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var model = new Option<string?>("--model") { Description = "MODEL@VERSION from the registry" };
        var klMax = new Option<double?>("--kl-max") { Description = "KL trigger level (nats)" }.PositiveFinite();
        var inputShiftMax = new Option<double?>("--input-shift-max") { Description = "Input drift trigger level" }.PositiveFinite();
        var allowRollback = new Option<bool>("--allow-rollback") { Description = "Allow installing an older version" };
        var expected = new Option<int?>("--expected-version") { Description = "The desired version you last saw (default: the current one)" };
        var command = new Command("set-desired", "Change a device's desired state") { id, model, klMax, inputShiftMax, allowRollback, expected };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var deviceId = Uri.EscapeDataString(parse.GetValue(id)!);
            object? modelBody = null;
            if (parse.GetValue(model) is { } spec)
            {
                var at = spec.IndexOf('@', StringComparison.Ordinal);
                if (at <= 0 || at == spec.Length - 1)
                {
                    throw new CliException("--model takes MODEL@VERSION, e.g. vocoder@1.3.0");
                }

                modelBody = new { id = spec[..at], version = spec[(at + 1)..], allowRollback = parse.GetValue(allowRollback) };
            }

            var kl = parse.GetValue(klMax);
            var shift = parse.GetValue(inputShiftMax);
            var thresholds = kl is null && shift is null ? null : new { klMax = kl, inputShiftMax = shift };
            var expectedVersion = parse.GetValue(expected);
            if (expectedVersion is null)
            {
                var detail = await client.GetAsync("/api/v1/devices/" + deviceId, ct).ConfigureAwait(false);
                expectedVersion = detail.GetProperty("twin").GetProperty("desiredVersion").GetInt32();
            }

            var result = await client.SendJsonAsync(HttpMethod.Put, $"/api/v1/devices/{deviceId}/desired", new { expectedVersion, model = modelBody, thresholds }, ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(result);
            }
            else
            {
                output.Writer.WriteLine($"desired state of {parse.GetValue(id)} is now version {result.GetProperty("version").GetInt32()}");
            }
        }, ct));
        return command;
    }

    private static Command SendCommand()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var name = new Argument<string>("name") { Description = "restartModel, validate, rollback, reportNow" };
        var args = new Option<string?>("--args") { Description = "Arguments as a JSON object" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the device's answer", DefaultValueFactory = _ => 10 }.PositiveFinite();
        var command = new Command("command", "Send a command and wait for the device's answer") { id, name, args, timeout };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            JsonElement? argsValue = null;
            if (parse.GetValue(args) is { } text)
            {
                try
                {
                    argsValue = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new CliException("--args is not JSON: " + ex.Message, ex);
                }
            }

            var result = await client.SendJsonAsync(HttpMethod.Post, $"/api/v1/devices/{Uri.EscapeDataString(parse.GetValue(id)!)}/commands",
                new { name = parse.GetValue(name), args = argsValue, timeoutSeconds = parse.GetValue(timeout) }, ct).ConfigureAwait(false);
            var ok = result.GetProperty("ok").GetBoolean();
            if (output.Json)
            {
                output.WriteJson(result);
            }
            else if (ok)
            {
                output.Writer.WriteLine($"ok {CliOutput.Text(result, "result")}");
            }

            if (!ok)
            {
                // A refusal is a failure of the command: scripts see it in the exit code.
                throw new CliException($"{parse.GetValue(name)} failed on {parse.GetValue(id)}: {CliOutput.Text(result, "error")}");
            }
        }, ct));
        return command;
    }

    private static Command Quarantine()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the audit log)", Required = true };
        var command = new Command("quarantine", "Stop sending the device models until released") { id, reason };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var result = await client.SendJsonAsync(HttpMethod.Post, $"/api/v1/devices/{Uri.EscapeDataString(parse.GetValue(id)!)}/quarantine", new { reason = parse.GetValue(reason) }, ct).ConfigureAwait(false);
            Print(output, result, $"{parse.GetValue(id)} quarantined");
        }, ct));
        return command;
    }

    private static Command Release()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var command = new Command("release", "Release a quarantined device") { id };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var result = await client.SendJsonAsync(HttpMethod.Post, $"/api/v1/devices/{Uri.EscapeDataString(parse.GetValue(id)!)}/release", null, ct).ConfigureAwait(false);
            Print(output, result, $"{parse.GetValue(id)} released");
        }, ct));
        return command;
    }

    private static void Print(CliOutput output, JsonElement result, string text)
    {
        if (output.Json)
        {
            output.WriteJson(result);
        }
        else
        {
            output.Writer.WriteLine(text);
        }
    }

    private static void AddQuery(List<string> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }

    public static string HealthMarkup(string health) => health switch
    {
        "healthy" => "[green]healthy[/]",
        "degraded" => "[yellow]degraded[/]",
        "healing" => "[blue]healing[/]",
        "unhealable" => "[red]unhealable[/]",
        "" => "[grey]unknown[/]",
        _ => Markup.Escape(health),
    };
}
