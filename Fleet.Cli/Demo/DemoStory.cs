using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;

namespace Fleet.Cli.Demo;

/// <summary>
/// What the demo shows after start, all through the gateway's public API (the paths <c>fleet models push</c>,
/// <c>fleet models distill</c> and <c>fleet rollouts start</c> use): the reference vocoder registered with its safety model
/// and a teacher (lineage), the fleet's failure insights, a student distilled from them, a canary rollout of it that
/// completes and, when asked, a bad version whose canary fails and is rolled back.
/// </summary>
internal sealed class DemoStory(HttpClient http, TextWriter output, IReadOnlyList<string> devices, bool badCanary)
{
    public const string ModelId = "vocoder";
    public const string SafetyId = "vocoder-safety";
    public const string FactoryVersion = "1.0.0";
    public const string TeacherVersion = "2.0.0";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Registers the models the devices ship with, before the devices start: the Models page and set-desired work at once.</summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var set = ReferenceModels.Build();
        await PutAsync(SafetyId, FactoryVersion, null, ModelPackage.FromReference(set.Safety, SafetyId, FactoryVersion), "the safety model every device falls back to", cancellationToken).ConfigureAwait(false);
        await PutAsync(ModelId, FactoryVersion, null, ModelPackage.FromReference(set.Vocoder, ModelId, FactoryVersion), "the reference vocoder the devices ship with", cancellationToken).ConfigureAwait(false);
        await PutAsync(ModelId, TeacherVersion, FactoryVersion, ModelPackage.FromReference(set.Vocoder, ModelId, TeacherVersion, parent: FactoryVersion),
            "the teacher students are distilled from", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Insights → distilled student → canary rollout (→ bad canary rolled back). Returns false when a step failed.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        Step("waiting for the devices to warm up and report failure insights on vocoder 1.0.0 (faults are injected after warm-up) …");
        var insights = await WaitInsightsAsync(cancellationToken).ConfigureAwait(false);
        Step(string.Create(CultureInfo.InvariantCulture,
            $"insights gathered: {insights.GetProperty("region").GetProperty("devices").GetInt32()} device(s) found where vocoder {FactoryVersion} fails ({Signatures(insights)})"));

        var student = await DistillAsync(cancellationToken).ConfigureAwait(false);
        if (student is null)
        {
            return false;
        }

        // The demo keeps injecting random faults; one already under way when a device updates (a hot device healing its
        // latency) fails that device's soak. So this rollout stops at a third of the devices failing, counted from three
        // devices on, not at the first: the bad version below keeps the strict defaults and is stopped by its canary.
        var good = await RolloutAsync(student, "canary rollout of the distilled version (random faults go on, so it stops at 1 device in 3 failing, not at the first)", new
        {
            canaryDevices = 1, waveGrowth = 2, soakSeconds = 1, maxKlRatio = 20, maxLatencyRatio = 20, maxHealRateRatio = 1e6,
            abortFailureShare = 0.34, minDevicesForAbort = 3,
        }, cancellationToken).ConfigureAwait(false);
        if (!badCanary)
        {
            return good == "completed";
        }

        var bad = await FreeVersionAsync(cancellationToken).ConfigureAwait(false);
        await PutAsync(ModelId, bad, student, BadPackage(bad, student), "a bad version: passes its own golden set, wrong in the field", cancellationToken).ConfigureAwait(false);
        var outcome = await RolloutAsync(bad, "canary rollout of the bad version", new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 1 }, cancellationToken).ConfigureAwait(false);
        return good == "completed" && outcome == "rolledBack";
    }

    private async Task PutAsync(string id, string version, string? parent, ModelPackage package, string what, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/models/{id}/{version}" + (parent is null ? "" : "?parent=" + Uri.EscapeDataString(parent));
        using var content = new ByteArrayContent(ModelPackageWriter.Write(package));
        using var response = await http.PutAsync(path, content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            Step($"{id} {version} is already registered ({what})");
            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"registering {id} {version} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        Step($"registered {id} {version}{(parent is null ? "" : " (parent " + parent + ")")}: {what}; validated on its golden set and signed with the fleet key");
    }

    private async Task<JsonElement> WaitInsightsAsync(CancellationToken cancellationToken)
    {
        var lastCount = -1;
        while (true)
        {
            using var response = await http.GetAsync($"/api/v1/models/{ModelId}/{FactoryVersion}/insights", cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var summary = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                if (summary.TryGetProperty("region", out var region) && region.ValueKind == JsonValueKind.Object)
                {
                    return summary;
                }

                var count = summary.TryGetProperty("insights", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0;
                if (count != lastCount && count > 0)
                {
                    Step($"  {count} insight(s) so far, none yet with a failing input region");
                }

                lastCount = count;
            }

            await Task.Delay(Poll, CliClock.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> DistillAsync(CancellationToken cancellationToken)
    {
        using var started = await http.PostAsJsonAsync($"/api/v1/models/{ModelId}/{FactoryVersion}/distill",
            new { teacher = TeacherVersion, newVersion = await FreeVersionAsync(cancellationToken).ConfigureAwait(false) }, cancellationToken).ConfigureAwait(false);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        if (!started.IsSuccessStatusCode)
        {
            Step($"distillation could not start: {job.GetRawText()}");
            return null;
        }

        var jobId = job.GetProperty("id").GetString()!;
        var version = job.GetProperty("newVersion").GetString()!;
        Step($"distilling {ModelId} {version} from {FactoryVersion}, the fleet's insights and teacher {TeacherVersion} (job {jobId}) …");
        var shown = -10.0;
        while (true)
        {
            job = await http.GetFromJsonAsync<JsonElement>($"/api/v1/distillations/{Uri.EscapeDataString(jobId)}", cancellationToken).ConfigureAwait(false);
            var state = job.GetProperty("state").GetString();
            var percent = job.GetProperty("percent").GetDouble();
            if (state == "running" && percent >= shown + 10)
            {
                shown = percent;
                Step(string.Create(CultureInfo.InvariantCulture, $"  distilling {percent,3:0} % {Progress(job.GetProperty("progress"))}"));
            }

            if (state != "running")
            {
                break;
            }

            await Task.Delay(Poll, CliClock.Time, cancellationToken).ConfigureAwait(false);
        }

        if (job.GetProperty("state").GetString() != "succeeded")
        {
            Step($"distillation {jobId} failed: {(job.TryGetProperty("error", out var error) ? error.GetString() : "?")}");
            return null;
        }

        var metrics = job.GetProperty("metrics");
        var model = await http.GetFromJsonAsync<JsonElement>($"/api/v1/models/{ModelId}/{version}", cancellationToken).ConfigureAwait(false);
        var lineage = model.GetProperty("card").GetProperty("lineage");
        Step(string.Create(CultureInfo.InvariantCulture,
            $"distilled {ModelId} {version} (parent {FactoryVersion}, teacher {TeacherVersion}, {lineage.GetProperty("insightIds").GetArrayLength()} insights): {DistillationOutcome(metrics)}"));
        return version;
    }

    /// <summary>Runs a rollout to the demo's devices, printing each wave's progress as it changes; returns its final state.</summary>
    private async Task<string> RolloutAsync(string version, string what, object policy, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/rollouts", new { modelId = ModelId, version, policy, devices }, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            Step($"{what}: could not start: {body.GetRawText()}");
            return "refused";
        }

        var id = body.GetProperty("id").GetString()!;
        Step($"{what}: rollout {id} of {ModelId} {version} to {devices.Count} device(s), canary first, then waves growing ×2, each soaked and gated …");
        var last = "";
        while (true)
        {
            var rollout = await http.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false);
            var state = rollout.GetProperty("state").GetString()!;
            var line = Describe(rollout);
            if (line != last)
            {
                Step("  " + line);
                last = line;
            }

            if (state is "completed" or "rolledBack" or "aborted")
            {
                var reason = rollout.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? " — " + r.GetString() : "";
                Step($"rollout {id} {Words(state)}{reason}");
                return state;
            }

            await Task.Delay(Poll, CliClock.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(JsonElement rollout)
    {
        var d = rollout.GetProperty("devices");
        var waves = string.Join(", ", rollout.GetProperty("waves").EnumerateArray().Select(w => string.Create(CultureInfo.InvariantCulture,
            $"{(w.GetProperty("index").GetInt32() == 0 ? "canary" : "wave " + w.GetProperty("index").GetInt32())} {w.GetProperty("committed").GetInt32() + w.GetProperty("failed").GetInt32()}/{w.GetProperty("size").GetInt32()} {w.GetProperty("state").GetString()}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Words(rollout.GetProperty("state").GetString()!)}: {d.GetProperty("committed").GetInt32()}/{d.GetProperty("total").GetInt32()} committed, {d.GetProperty("failed").GetInt32()} failed, {d.GetProperty("rolledBack").GetInt32()} sent back to the previous version [{waves}]");
    }

    /// <summary>A rollout state as words (the API's <c>rolledBack</c> is "rolled back").</summary>
    private static string Words(string state) => state == "rolledBack" ? "rolled back" : state;

    /// <summary>The first patch version after 1.0.0 not registered yet (a demo run again on its data directory distils anew).</summary>
    private async Task<string> FreeVersionAsync(CancellationToken cancellationToken)
    {
        for (var patch = 1; ; patch++)
        {
            var version = NextVersion(FactoryVersion, patch);
            using var response = await http.GetAsync($"/api/v1/models/{ModelId}/{version}", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return version;
            }
        }
    }

    private static string NextVersion(string version, int add)
    {
        var parts = version.Split('.');
        parts[^1] = (int.Parse(parts[^1], CultureInfo.InvariantCulture) + add).ToString(CultureInfo.InvariantCulture);
        return string.Join('.', parts);
    }

    /// <summary>
    /// The reference vocoder with its output biases shifted: its golden set is regenerated from the shifted network (so the
    /// gateway and the device's staging check accept it), while its baseline still describes the real vocoder's outputs —
    /// a model that passes its own tests and is wrong in the field. The canary's watchdog sees it during the soak.
    /// </summary>
    private static ModelPackage BadPackage(string version, string parent)
    {
        var vocoder = ReferenceModels.Build().Vocoder;
        var broken = vocoder.Network.Clone();
        var bias = broken.Biases[^1];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] += 0.6f;
        }

        var reference = ModelPackage.FromReference(vocoder, ModelId, version, parent);
        var golden = reference.Golden with { Cases = [.. reference.Golden.Cases.Select(c => new GoldenCase(c.Input, broken.Forward(c.Input)))] };
        return reference with { Onnx = broken.ToOnnx(ModelId, exposeHidden: true), Golden = golden };
    }

    private static string Signatures(JsonElement insights) =>
        insights.TryGetProperty("signatures", out var signatures) && signatures.ValueKind == JsonValueKind.Array
            ? string.Join(", ", signatures.EnumerateArray().Select(s => s.GetProperty("signature").GetString()))
            : "";

    private static string Progress(JsonElement progress) =>
        progress.TryGetProperty("stage", out var stage) && stage.GetString() == "training"
            ? string.Create(CultureInfo.InvariantCulture, $"training epoch {progress.GetProperty("epoch").GetInt32()}/{progress.GetProperty("epochs").GetInt32()} loss {progress.GetProperty("loss").GetDouble():0.#####}")
            : progress.TryGetProperty("stage", out stage) ? stage.GetString() ?? "" : "";

    /// <summary>
    /// The student's error against the teacher, before and after, on the insights' region and the normal range; says so
    /// when the parent already matched the teacher on the region (nothing there for distillation to improve).
    /// </summary>
    internal static string DistillationOutcome(JsonElement metrics)
    {
        var errors = $"error vs the teacher on the failing region {Metric(metrics, "regionErrorBefore")} → {Metric(metrics, "regionErrorAfter")}, " +
            $"on the normal range {Metric(metrics, "normalErrorBefore")} → {Metric(metrics, "normalErrorAfter")}";
        var improved = metrics.TryGetProperty("regionErrorBefore", out var before) && before.ValueKind == JsonValueKind.Number
            && metrics.TryGetProperty("regionErrorAfter", out var after) && after.ValueKind == JsonValueKind.Number
            && after.GetDouble() < before.GetDouble();
        return improved
            ? errors
            : errors + " (the parent already matched its teacher on that region, so distillation had nothing to improve there; the version carries the insights' lineage)";
    }

    private static string Metric(JsonElement metrics, string name) =>
        metrics.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) : "-";

    private void Step(string message)
    {
        lock (output)
        {
            output.WriteLine($"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ {message}");
        }
    }
}
