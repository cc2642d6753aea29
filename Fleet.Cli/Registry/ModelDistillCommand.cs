using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Registry;

/// <summary><c>fleet models distill --from VERSION --teacher VERSION</c>: distil a failing version into a new one, following the job's progress.</summary>
internal static class ModelDistillCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The failing version to improve (the student's parent)", Required = true };
        var teacher = new Option<string>("--teacher") { Description = "The teacher version an ML engineer registered", Required = true };
        var newVersion = new Option<string?>("--new-version") { Description = "Version to register (default: the next patch after --from)" };
        var id = new Option<string?>("--id") { Description = "Model id (needed only when several models have the --from version)" };
        var command = new Command("distill", "Distil a new version from a teacher and the fleet's failure insights") { from, teacher, newVersion, id };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var fromVersion = parse.GetValue(from)!;
            var modelId = parse.GetValue(id) ?? await ModelInsightsCommand.ResolveIdAsync(client, fromVersion, ct).ConfigureAwait(false);
            var job = await client.SendJsonAsync(
                HttpMethod.Post,
                $"/api/v1/models/{Uri.EscapeDataString(modelId)}/{Uri.EscapeDataString(fromVersion)}/distill",
                new { teacher = parse.GetValue(teacher), newVersion = parse.GetValue(newVersion) },
                ct).ConfigureAwait(false);
            var jobId = CliOutput.Text(job, "id");
            if (!output.Json)
            {
                output.Writer.WriteLine($"distillation {jobId}: {modelId} {fromVersion} → {CliOutput.Text(job, "newVersion")}");
            }

            job = await output.Console.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("distilling", maxValue: 100);
                while (true)
                {
                    var current = await client.GetAsync($"/api/v1/distillations/{Uri.EscapeDataString(jobId)}", ct).ConfigureAwait(false);
                    var progress = current.GetProperty("progress");
                    task.Value = current.GetProperty("percent").GetDouble();
                    task.Description = Markup.Escape(Describe(progress));
                    if (CliOutput.Text(current, "state") != "running")
                    {
                        return current;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), CliClock.Time, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(job);
                return;
            }

            if (CliOutput.Text(job, "state") != "succeeded")
            {
                throw new CliException($"distillation {jobId} failed: {CliOutput.Text(job, "error")}");
            }

            var metrics = job.GetProperty("metrics");
            output.Writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"registered {modelId} {CliOutput.Text(job, "newVersion")} (signed); error vs teacher on the failing region {Metric(metrics, "regionErrorBefore")} → {Metric(metrics, "regionErrorAfter")}, on the normal range {Metric(metrics, "normalErrorBefore")} → {Metric(metrics, "normalErrorAfter")}"));
        }, ct));
        return command;
    }

    private static string Describe(JsonElement progress) =>
        CliOutput.Text(progress, "stage") == "training"
            ? string.Create(CultureInfo.InvariantCulture, $"training epoch {progress.GetProperty("epoch").GetInt32()}/{progress.GetProperty("epochs").GetInt32()} loss {progress.GetProperty("loss").GetDouble():0.#####}")
            : CliOutput.Text(progress, "stage");

    private static string Metric(JsonElement metrics, string name) =>
        metrics.TryGetProperty(name, out var value) ? value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
