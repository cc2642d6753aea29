using System.CommandLine;
using System.Globalization;
using Fleet.Cli.Connection;

namespace Fleet.Cli.Rollouts;

/// <summary><c>fleet rollouts start MODEL VERSION [--canary N|--canary-share P] [--growth F] [--soak DURATION] [--max-concurrent N] [--watch]</c>.</summary>
internal static class RolloutStartCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var version = new Argument<string>("version") { Description = "The version to roll out (registered)" };
        var canary = new Option<int?>("--canary") { Description = "Devices in the canary wave" };
        var canaryShare = new Option<double?>("--canary-share") { Description = "Share of the fleet in the canary wave (0 … 1)" }.PositiveFinite();
        var growth = new Option<double?>("--growth") { Description = "Each wave is this many times the previous one" }.PositiveFinite();
        var soak = new Option<string?>("--soak") { Description = "How long each wave soaks before its gates are judged (e.g. 30s, 10m, 1h)" };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "Disruption budget: devices updating at once" };
        var devices = new Option<string[]>("--device") { Description = "Roll out to these devices only (repeatable; default: the whole fleet)", AllowMultipleArgumentsPerToken = true };
        var watch = new Option<bool>("--watch") { Description = "Follow the rollout with live progress bars until it ends" };
        var command = new Command("start", "Start a staged rollout of a model version") { model, version, canary, canaryShare, growth, soak, maxConcurrent, devices, watch };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var soakText = parse.GetValue(soak);
            var policy = new Dictionary<string, object?>
            {
                ["canaryDevices"] = parse.GetValue(canary),
                ["canaryShare"] = parse.GetValue(canaryShare),
                ["waveGrowth"] = parse.GetValue(growth),
                ["soakSeconds"] = soakText is null ? null : ParseDuration(soakText).TotalSeconds,
                ["maxConcurrentUpdates"] = parse.GetValue(maxConcurrent),
            }.Where(p => p.Value is not null).ToDictionary();
            var chosen = parse.GetValue(devices);
            var rollout = await client.SendJsonAsync(HttpMethod.Post, "/api/v1/rollouts", new
            {
                modelId = parse.GetValue(model),
                version = parse.GetValue(version),
                policy,
                devices = chosen is { Length: > 0 } ? chosen : null,
            }, ct).ConfigureAwait(false);
            if (parse.GetValue(watch))
            {
                await RolloutWatch.RunAsync(client, output, CliOutput.Text(rollout, "id"), ct).ConfigureAwait(false);
                return;
            }

            if (output.Json)
            {
                output.WriteJson(rollout);
                return;
            }

            RolloutRender.Write(output, rollout);
        }, ct));
        return command;
    }

    /// <summary>A duration as <c>90s</c>, <c>10m</c>, <c>1h</c>, plain seconds, or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 ? trimmed[^1] : ' ';
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var number = scale == 0 ? trimmed : trimmed[..^1];
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0)
        {
            return TimeSpan.FromSeconds(value * Math.Max(scale, 1));
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : throw new CliException($"--soak: '{text}' is not a duration (e.g. 30s, 10m, 1h)");
    }
}
