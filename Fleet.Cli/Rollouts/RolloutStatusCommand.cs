using System.CommandLine;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Rollouts;

/// <summary><c>fleet rollouts status [ID] [--watch] [--json]</c>: one rollout's waves and gates, or every rollout.</summary>
internal static class RolloutStatusCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "Rollout id (default: list every rollout; with --watch, the newest running one)", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch") { Description = "Follow with live progress bars until the rollout ends" };
        var command = new Command("status", "Show rollouts, or one rollout's waves, devices and gate results") { id, watch };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var rolloutId = parse.GetValue(id);
            if (parse.GetValue(watch))
            {
                rolloutId ??= await NewestRunningAsync(client, ct).ConfigureAwait(false);
                await RolloutWatch.RunAsync(client, output, rolloutId, ct).ConfigureAwait(false);
                return;
            }

            if (rolloutId is not null)
            {
                var rollout = await client.GetAsync($"/api/v1/rollouts/{Uri.EscapeDataString(rolloutId)}", ct).ConfigureAwait(false);
                if (output.Json)
                {
                    output.WriteJson(rollout);
                    return;
                }

                RolloutRender.Write(output, rollout);
                return;
            }

            var list = await client.GetAsync("/api/v1/rollouts", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(list);
                return;
            }

            var table = new Table().AddColumns("Rollout", "Model", "Version", "State", "Wave", "Committed", "Failed", "Updated");
            foreach (var r in list.GetProperty("items").EnumerateArray())
            {
                var devices = r.GetProperty("devices");
                table.AddRow(
                    Markup.Escape(CliOutput.Text(r, "id")),
                    Markup.Escape(CliOutput.Text(r, "modelId")),
                    Markup.Escape($"{CliOutput.Text(r, "fromVersion")} → {CliOutput.Text(r, "version")}"),
                    RolloutRender.State(CliOutput.Text(r, "state")),
                    $"{r.GetProperty("currentWave").GetInt32() + 1}/{r.GetProperty("waves").GetArrayLength()}",
                    $"{CliOutput.Text(devices, "committed")}/{CliOutput.Text(devices, "total")}",
                    CliOutput.Text(devices, "failed"),
                    Markup.Escape(CliOutput.Time(r, "updated")));
            }

            output.Console.Write(table);
        }, ct));
        return command;
    }

    private static async Task<string> NewestRunningAsync(Connection.GatewayClient client, CancellationToken cancellationToken)
    {
        var list = await client.GetAsync("/api/v1/rollouts?state=running,paused,pending", cancellationToken).ConfigureAwait(false);
        return list.GetProperty("items").EnumerateArray().Select(r => CliOutput.Text(r, "id")).FirstOrDefault()
            ?? throw new CliException("no rollout is running; name one: fleet rollouts status ID --watch");
    }
}
