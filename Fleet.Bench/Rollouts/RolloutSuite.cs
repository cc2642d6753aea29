using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Models.Packaging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Bench.Rollouts;

/// <summary>
/// <c>rollout</c>: a staged rollout to 1000 simulated devices through the real gateway (managed Mosquitto, SQLite, the
/// RolloutManager with its gates on), a bad version from canary to full rollback, and a real distillation's errors on
/// the failing region before and after, with the teacher's.
/// </summary>
internal sealed class RolloutSuite : IBenchSuite
{
    private const string Model = "vocoder";

    public string Name => "rollout";

    public string Description => "rollout of 1000 simulated devices (canary 1 %, waves ×2, gates on), bad canary → full rollback, distillation errors on the failing region";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var devices = context.Scaled(1000, 50);
        var result = new BenchResult().Add("devices", devices);
        var data = Path.Combine(context.ScratchDirectory, "gateway");
        var (app, problems) = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--Fleet:DataDirectory", data, "--Logging:LogLevel:Default", "Warning", "--Fleet:Incidents:MinDevices", "100000"]);
        if (app is null)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var token = File.ReadLines(Path.Combine(data, "credentials")).First(l => l.StartsWith("operator=", StringComparison.Ordinal))["operator=".Length..];
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var port = app.Services.GetRequiredService<Fleet.Gateway.Broker.EmbeddedBroker>().Port;
            await MeasureRolloutsAsync(context, http, port, devices, result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        var distillation = RolloutDistillation.Run(context);
        result.Add("student_error_before", distillation.StudentBefore)
            .Add("student_error_after", distillation.StudentAfter)
            .Add("teacher_error", distillation.Teacher)
            .Add("student_error_after_vs_synth", distillation.StudentAfterVsSynth)
            .Add("student_error_before_vs_synth", distillation.StudentBeforeVsSynth);
        result.Add("notes",
            "Devices: lightweight protocol-speaking simulators multiplexed on one MQTT session over the real managed Mosquitto (status, retained report, " +
            "telemetry with KL/latency, update events, heal events); no ONNX inference on them. Gateway: real, in-process, SQLite, manager tick 1 s (default). " +
            "Good rollout: canary 1 %, growth 2, soak 1 s per wave, disruption budget 100, KL/latency/heal/golden gates and the abort share on; seconds from POST to completed. " +
            "Bad canary: the canary commits then reports an unhealable heal; seconds from POST until every canary device was sent the previous version (includes the 1 s soak). " +
            "Distillation: DistillationRunner (the Distiller's engine) on a parent blind above pitch 0.5 with the reference vocoder as teacher; student_error_* are the run's " +
            "regionErrorBefore/After (relative RMS vs the teacher on held-out region samples); teacher_error is the teacher's relative RMS vs the harmonic synthesiser on the same region; *_vs_synth compare the student with the synthesiser.");
        return result;
    }

    private static async Task MeasureRolloutsAsync(BenchContext context, HttpClient http, int port, int count, BenchResult result, CancellationToken cancellationToken)
    {
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            var package = ModelPackage.FromReference(Fleet.Shared.Models.ReferenceModels.Build().Vocoder, Model, version, parent: version == "1.0.0" ? null : "1.0.0");
            using var content = new ByteArrayContent(ModelPackageWriter.Write(package));
            (await http.PutAsync($"/api/v1/models/{Model}/{version}", content, cancellationToken).ConfigureAwait(false)).EnsureSuccessStatusCode();
        }

        var ids = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"sim-{i:00000}")).ToList();
        await using var fleet = await SimulatedFleet.StartAsync(port, ids, Model, "1.0.0").ConfigureAwait(false);
        await WaitAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary", cancellationToken).ConfigureAwait(false))
            .GetProperty("byModelVersion").TryGetProperty("1.0.0", out var on) && on.GetInt32() == count, TimeSpan.FromMinutes(2), "devices registered", cancellationToken).ConfigureAwait(false);
        context.Progress.WriteLine($"rollout: {count} simulated devices registered on 1.0.0");

        var policy = new { canaryShare = 0.01, waveGrowth = 2, soakSeconds = 1, maxConcurrentUpdates = 100 };
        var clock = Stopwatch.StartNew();
        var good = await StartAsync(http, "1.1.0", policy, cancellationToken).ConfigureAwait(false);
        var done = await FinishedAsync(http, good, cancellationToken).ConfigureAwait(false);
        var goodSeconds = clock.Elapsed.TotalSeconds;
        if (done.GetProperty("state").GetString() != "completed" || done.GetProperty("devices").GetProperty("committed").GetInt32() != count)
        {
            throw new InvalidOperationException("the good rollout did not complete on every device: " + done.GetRawText()[..Math.Min(600, done.GetRawText().Length)]);
        }

        result.Add("rollout_seconds_1k", goodSeconds).Add("rollout_waves", done.GetProperty("waves").GetArrayLength());
        context.Progress.WriteLine($"rollout: 1.1.0 on {count} devices in {goodSeconds:0.0} s ({done.GetProperty("waves").GetArrayLength()} waves)");

        fleet.HealAfterCommit = version => version == "1.2.0" ? "unhealable" : null;
        fleet.Watched = "1.1.0";
        clock.Restart();
        var bad = await StartAsync(http, "1.2.0", policy, cancellationToken).ConfigureAwait(false);
        var stopped = await FinishedAsync(http, bad, cancellationToken).ConfigureAwait(false);
        var took = fleet.Received.GetValueOrDefault("1.2.0")?.Keys.ToList() ?? [];
        await WaitAsync(() => Task.FromResult(took.All(fleet.Returned.ContainsKey)), TimeSpan.FromMinutes(1), "canary sent back", cancellationToken).ConfigureAwait(false);
        var badSeconds = clock.Elapsed.TotalSeconds;
        if (stopped.GetProperty("state").GetString() != "rolledBack")
        {
            throw new InvalidOperationException("the bad version was not rolled back: " + stopped.GetProperty("state").GetString());
        }

        result.Add("bad_canary_to_full_rollback_seconds", badSeconds).Add("bad_version_devices_reached", took.Count);
        context.Progress.WriteLine($"rollout: bad 1.2.0 reached {took.Count} canary device(s), all sent back to 1.1.0 {badSeconds:0.0} s after the start ({stopped.GetProperty("reason").GetString()})");
    }

    private static async Task<string> StartAsync(HttpClient http, string version, object policy, CancellationToken cancellationToken)
    {
        var response = await http.PostAsJsonAsync("/api/v1/rollouts", new { modelId = Model, version, policy }, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()! : throw new InvalidOperationException("rollout refused: " + body);
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient http, string id, CancellationToken cancellationToken)
    {
        JsonElement rollout = default;
        await WaitAsync(async () =>
        {
            rollout = await http.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{id}", cancellationToken).ConfigureAwait(false);
            return rollout.GetProperty("state").GetString() is "completed" or "rolledBack" or "aborted";
        }, TimeSpan.FromMinutes(10), "rollout " + id, cancellationToken).ConfigureAwait(false);
        return rollout;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
