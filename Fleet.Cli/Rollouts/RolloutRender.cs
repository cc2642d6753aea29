using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Rollouts;

/// <summary>How a rollout reads on a terminal: a header line, then one row per wave with a bar and its gate result.</summary>
internal static class RolloutRender
{
    private const int BarWidth = 20;

    public static void Write(CliOutput output, JsonElement rollout)
    {
        output.Console.MarkupLine(Header(rollout));
        var table = new Table().AddColumns("Wave", "Size", "State", "Progress", "Gate");
        foreach (var wave in rollout.GetProperty("waves").EnumerateArray())
        {
            var size = wave.GetProperty("size").GetInt32();
            var done = wave.GetProperty("committed").GetInt32() + wave.GetProperty("failed").GetInt32();
            table.AddRow(
                WaveName(wave),
                size.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(CliOutput.Text(wave, "state")),
                Bar(done, size),
                Markup.Escape(Gate(wave)));
        }

        output.Console.Write(table);
    }

    /// <summary><c>ro-… vocoder 1.0.0 → 1.1.0 running: 3/10 committed, 0 failed</c> (markup).</summary>
    public static string Header(JsonElement rollout)
    {
        var devices = rollout.GetProperty("devices");
        var reason = CliOutput.Text(rollout, "reason");
        return Markup.Escape($"{CliOutput.Text(rollout, "id")} {CliOutput.Text(rollout, "modelId")} {CliOutput.Text(rollout, "fromVersion")} → {CliOutput.Text(rollout, "version")} ")
            + State(CliOutput.Text(rollout, "state"))
            + Markup.Escape($": {CliOutput.Text(devices, "committed")}/{CliOutput.Text(devices, "total")} committed, {CliOutput.Text(devices, "failed")} failed, {CliOutput.Text(devices, "rolledBack")} rolled back")
            + (reason.Length == 0 ? "" : Markup.Escape(" — " + reason));
    }

    public static string State(string state) => state switch
    {
        "completed" => "[green]completed[/]",
        "rolledBack" => "[red]rolledBack[/]",
        "aborted" => "[red]aborted[/]",
        "paused" => "[yellow]paused[/]",
        _ => Markup.Escape(state),
    };

    public static string WaveName(JsonElement wave)
    {
        var index = wave.GetProperty("index").GetInt32();
        return index == 0 ? "0 (canary)" : index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>pass</c>, <c>wait: soaking until …</c> or <c>fail: reasons</c>; empty before the wave is judged.</summary>
    public static string Gate(JsonElement wave)
    {
        if (!wave.TryGetProperty("gate", out var gate) || gate.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var reasons = gate.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        return CliOutput.Text(gate, "decision") + (reasons.Count == 0 ? "" : ": " + string.Join("; ", reasons));
    }

    private static string Bar(int done, int size)
    {
        var filled = size == 0 ? BarWidth : done * BarWidth / size;
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', BarWidth - filled)}[/] {done}/{size}";
    }
}
