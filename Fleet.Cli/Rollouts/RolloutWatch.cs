using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Rollouts;

/// <summary>Follows a rollout until it ends: a live progress bar per wave (devices that reported / wave size) with its state and gate.</summary>
internal static class RolloutWatch
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(GatewayClient client, CliOutput output, string id, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/rollouts/{Uri.EscapeDataString(id)}";
        var rollout = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (!output.Json)
        {
            await output.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async context =>
                {
                    var bars = rollout.GetProperty("waves").EnumerateArray()
                        .Select(w => context.AddTask(Markup.Escape("wave " + RolloutRender.WaveName(w)), maxValue: Math.Max(1, w.GetProperty("size").GetInt32())))
                        .ToList();
                    while (true)
                    {
                        Update(bars, rollout);
                        if (IsOver(rollout))
                        {
                            return;
                        }

                        await Task.Delay(Poll, CliClock.Time, cancellationToken).ConfigureAwait(false);
                        rollout = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            RolloutRender.Write(output, rollout);
        }
        else
        {
            while (!IsOver(rollout))
            {
                await Task.Delay(Poll, CliClock.Time, cancellationToken).ConfigureAwait(false);
                rollout = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
            }

            output.WriteJson(rollout);
        }

        if (CliOutput.Text(rollout, "state") != "completed")
        {
            throw new CliException($"rollout {id} ended {CliOutput.Text(rollout, "state")}: {CliOutput.Text(rollout, "reason")}");
        }
    }

    private static bool IsOver(JsonElement rollout) => CliOutput.Text(rollout, "state") is "completed" or "rolledBack" or "aborted";

    private static void Update(List<ProgressTask> bars, JsonElement rollout)
    {
        var waves = rollout.GetProperty("waves").EnumerateArray().ToList();
        for (var i = 0; i < bars.Count && i < waves.Count; i++)
        {
            var wave = waves[i];
            var gate = RolloutRender.Gate(wave);
            bars[i].Value = wave.GetProperty("committed").GetInt32() + wave.GetProperty("failed").GetInt32();
            bars[i].Description = Markup.Escape($"wave {RolloutRender.WaveName(wave)} {CliOutput.Text(wave, "state")}" + (gate.Length == 0 ? "" : " — " + gate));
        }
    }
}
