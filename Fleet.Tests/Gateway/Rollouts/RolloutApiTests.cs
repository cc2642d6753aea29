using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary>
/// The rollout API and manager against a real gateway, real Mosquitto and protocol-speaking test devices: canary and
/// waves within the disruption budget, gate failures rolled back, pause/resume/abort, auth and validation.
/// </summary>
public abstract class RolloutApiScenarios(RolloutGatewayFixture gateway) : IAsyncLifetime
{
    private readonly string _model = "m" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<RolloutTestDevice> _devices = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }
    }

    private async Task<IReadOnlyList<RolloutTestDevice>> FleetAsync(int count, string version = "1.0.0")
    {
        await gateway.PushModelAsync(_model, "1.0.0");
        await gateway.PushModelAsync(_model, "1.1.0");
        for (var i = 0; i < count; i++)
        {
            _devices.Add(await RolloutTestDevice.StartAsync(gateway.Port, $"{_model}-{i:00}", version));
        }

        foreach (var device in _devices)
        {
            await Eventually.TrueAsync(async () =>
            {
                var response = await gateway.Reader.GetAsync($"/api/v1/devices/{device.Id}");
                return response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("device").GetProperty("modelVersion").GetString() == version;
            }, $"{device.Id} registered on {version}");
        }

        return _devices;
    }

    private async Task<string> StartAsync(object policy, IEnumerable<string>? devices = null)
    {
        var response = await gateway.Operator.PostAsJsonAsync("/api/v1/rollouts", new { modelId = _model, version = "1.1.0", policy, devices = devices ?? _devices.Select(d => d.Id) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal($"/api/v1/rollouts/{view.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        return view.GetProperty("id").GetString()!;
    }

    private static string State(JsonElement rollout) => rollout.GetProperty("state").GetString()!;

    [Fact]
    public async Task GoodVersion_RollsCanaryThenGrowingWaves_WithinTheDisruptionBudget_ToCompleted()
    {
        var devices = await FleetAsync(6);
        var release = 0;
        foreach (var device in devices)
        {
            device.Decide = _ => Volatile.Read(ref release) == 1 ? "committed" : null;
        }

        var id = await StartAsync(new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 0.2, maxConcurrentUpdates = 2, maxLatencyRatio = 100, maxKlRatio = 100 });
        var started = await gateway.RolloutAsync(id);
        Assert.Equal([1, 2, 3], started.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("size").GetInt32()));
        Assert.Equal("1.0.0", started.GetProperty("fromVersion").GetString());

        // The canary holds: nobody else is sent the version.
        await gateway.RolloutWhenAsync(id, r => r.GetProperty("devices").GetProperty("updating").GetInt32() == 1, "the canary updating");
        await Eventually.TrueAsync(() => devices.Any(d => d.Received.Contains("1.1.0")), "the canary received the version");
        var holding = await gateway.RolloutAsync(id);
        Assert.Equal(5, holding.GetProperty("devices").GetProperty("pending").GetInt32());
        Assert.Single(devices, d => d.Received.Contains("1.1.0"));
        Volatile.Write(ref release, 1);
        foreach (var device in devices)
        {
            device.Reconsider();
        }

        var done = await gateway.RolloutWhenAsync(id, r => State(r) == "completed", "the rollout completed");
        Assert.Equal(6, done.GetProperty("devices").GetProperty("committed").GetInt32());
        Assert.All(done.GetProperty("waves").EnumerateArray(), w => Assert.Equal("passed", w.GetProperty("state").GetString()));
        Assert.All(done.GetProperty("results").EnumerateArray(), r => Assert.Equal("committed", r.GetProperty("outcome").GetString()));
        Assert.All(devices, d => Assert.Equal("1.1.0", d.ModelVersion));
        var waveOf = done.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("deviceId").GetString()!, r => r.GetProperty("wave").GetInt32());
        Assert.Equal([1, 2, 3], waveOf.Values.GroupBy(w => w).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public async Task DisruptionBudget_NeverHasMoreDevicesUpdatingThanAllowed()
    {
        var devices = await FleetAsync(4);
        var released = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        foreach (var device in devices)
        {
            var id = device.Id;
            device.Decide = _ => released.ContainsKey(id) ? "committed" : null;
        }

        var rollout = await StartAsync(new { canaryDevices = 4, soakSeconds = 0.2, maxConcurrentUpdates = 2, maxKlRatio = 100, maxLatencyRatio = 100 });
        await Eventually.TrueAsync(() => devices.Count(d => d.Received.Contains("1.1.0")) == 2, "two devices sent the version");
        var first = devices.First(d => d.Received.Contains("1.1.0"));
        released[first.Id] = true;
        first.Reconsider();

        // One device done frees exactly one slot: a third device is sent the version, never the fourth.
        await gateway.RolloutWhenAsync(rollout, r => r.GetProperty("devices").GetProperty("committed").GetInt32() == 1, "one device committed");
        await Eventually.TrueAsync(() => devices.Count(d => d.Received.Contains("1.1.0")) == 3, "a third device sent the version");
        var view = await gateway.RolloutAsync(rollout);
        Assert.Equal(2, view.GetProperty("devices").GetProperty("updating").GetInt32());
        Assert.Equal(1, view.GetProperty("devices").GetProperty("pending").GetInt32());
        Assert.Equal(3, devices.Count(d => d.Received.Contains("1.1.0")));

        foreach (var device in devices)
        {
            released[device.Id] = true;
            device.Reconsider();
        }

        await gateway.RolloutWhenAsync(rollout, r => State(r) == "completed", "the rollout completed");
    }

    [Fact]
    public async Task CanaryRollsTheUpdateBack_RolloutRollsBack_AndTheRestNeverReceiveTheVersion()
    {
        var devices = await FleetAsync(4);
        foreach (var device in devices)
        {
            device.Decide = _ => "rolledBack";
        }

        var id = await StartAsync(new { canaryDevices = 1, soakSeconds = 0.2 });
        var rolledBack = await gateway.RolloutWhenAsync(id, r => State(r) == "rolledBack", "the rollout rolled back");
        Assert.Contains("failed the update", rolledBack.GetProperty("reason").GetString());
        Assert.Equal("failed", rolledBack.GetProperty("waves")[0].GetProperty("state").GetString());
        Assert.Equal("fail", rolledBack.GetProperty("waves")[0].GetProperty("gate").GetProperty("decision").GetString());
        await Eventually.TrueAsync(() => devices.Any(d => d.Received.Contains("1.1.0")), "the canary received the version");
        var canary = devices.Single(d => d.Received.Contains("1.1.0"));
        await Eventually.TrueAsync(() => canary.DesiredStates.LastOrDefault()?.Model is { Version: "1.0.0", AllowRollback: true }, "the canary sent back to 1.0.0");
        Assert.All(devices.Where(d => d != canary), d => Assert.Empty(d.Received));
        Assert.Equal(1, rolledBack.GetProperty("devices").GetProperty("failed").GetInt32());
        Assert.Equal(3, rolledBack.GetProperty("devices").GetProperty("pending").GetInt32());
    }

    [Fact]
    public async Task CanaryCommitsButHealsDuringTheSoak_FailsItsGate_AndIsReturnedToThePreviousVersion()
    {
        var devices = await FleetAsync(3);
        var id = await StartAsync(new { canaryDevices = 1, soakSeconds = 2, maxLatencyRatio = 100, maxKlRatio = 100 });
        await gateway.RolloutWhenAsync(id, r => r.GetProperty("devices").GetProperty("committed").GetInt32() == 1, "the canary committed");
        var canary = devices.Single(d => d.ModelVersion == "1.1.0");
        await canary.HealAsync("h-" + Guid.NewGuid().ToString("N")[..6], "unhealable");

        var rolledBack = await gateway.RolloutWhenAsync(id, r => State(r) == "rolledBack" && r.GetProperty("devices").GetProperty("rolledBack").GetInt32() == 1, "the gate failed and the canary rolled back");
        Assert.Contains("heal rate", rolledBack.GetProperty("reason").GetString());
        Assert.Equal("rolledBack", rolledBack.GetProperty("results").EnumerateArray().Single().GetProperty("outcome").GetString());
        var canaryWave = rolledBack.GetProperty("waves")[0];
        Assert.Equal((1, 0, "failed"), (canaryWave.GetProperty("rolledBack").GetInt32(), canaryWave.GetProperty("committed").GetInt32(), canaryWave.GetProperty("state").GetString()));
        await Eventually.TrueAsync(() => canary.ModelVersion == "1.0.0" && canary.DesiredStates[^1].Model is { Version: "1.0.0", AllowRollback: true }, "the canary back on 1.0.0");
        Assert.All(devices.Where(d => d != canary), d => Assert.Empty(d.Received));
    }

    [Fact]
    public async Task PauseResumeAbort_AreOperatorActions_AuditedAndRefusedWhenTheStateForbidsThem()
    {
        var devices = await FleetAsync(3);
        foreach (var device in devices)
        {
            device.Decide = _ => null;
        }

        var id = await StartAsync(new { canaryDevices = 1, soakSeconds = 0.2 });
        using var anonymous = gateway.Node.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/v1/rollouts/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Reader.PostAsync($"/api/v1/rollouts/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Operator.PostAsync("/api/v1/rollouts/ro-nope/pause", null)).StatusCode);

        var paused = await gateway.Operator.PostAsJsonAsync($"/api/v1/rollouts/{id}/pause", new { reason = "looking at the canary" });
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", State(await paused.Content.ReadFromJsonAsync<JsonElement>()));
        var again = await gateway.Operator.PostAsync($"/api/v1/rollouts/{id}/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var resumed = await gateway.Operator.PostAsync($"/api/v1/rollouts/{id}/resume", null);
        Assert.Equal("running", State(await resumed.Content.ReadFromJsonAsync<JsonElement>()));
        await gateway.RolloutWhenAsync(id, r => r.GetProperty("devices").GetProperty("updating").GetInt32() == 1, "the canary updating");

        var aborted = await gateway.Operator.PostAsJsonAsync($"/api/v1/rollouts/{id}/abort", new { reason = "enough" });
        var abortedView = await aborted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("aborted", State(abortedView));
        Assert.Equal("enough", abortedView.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await gateway.Operator.PostAsync($"/api/v1/rollouts/{id}/resume", null)).StatusCode);
        await Eventually.TrueAsync(() => devices.Any(d => d.Received.Contains("1.1.0")), "the canary received the version");
        var canary = devices.Single(d => d.Received.Contains("1.1.0"));
        await Eventually.TrueAsync(() => canary.DesiredStates[^1].Model is { Version: "1.0.0" }, "the canary sent back");

        var audit = await gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/audit?target=rollout/{id}");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("rollout.start", actions);
        Assert.Contains("rollout.pause", actions);
        Assert.Contains("rollout.resume", actions);
        Assert.Contains("rollout.aborted", actions);

        var list = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/rollouts?state=aborted");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
        var running = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/rollouts?state=running");
        Assert.DoesNotContain(running.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task RolloutChanges_StreamAsRolloutEvents_UntilCompleted()
    {
        await FleetAsync(2);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var events = gateway.Node.Client(gateway.Node.ReaderToken);
        events.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await events.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        var id = await StartAsync(new { canaryDevices = 1, soakSeconds = 0.2, maxKlRatio = 100, maxLatencyRatio = 100 });

        var states = new List<string>();
        var name = "";
        while (!states.Contains("completed"))
        {
            var line = await reader.ReadLineAsync(stop.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (name == "rollout" && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var view = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                if (view.GetProperty("id").GetString() == id)
                {
                    states.Add(State(view));
                    Assert.Equal(2, view.GetProperty("devices").GetProperty("total").GetInt32());
                }
            }
        }

        Assert.Contains("running", states);
    }

    [Fact]
    public async Task Start_IsForOperators_AndRefusesBadRequestsAsProblems()
    {
        await FleetAsync(2);
        using var anonymous = gateway.Node.Client();
        var body = new { modelId = _model, version = "1.1.0" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/rollouts", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Reader.PostAsJsonAsync("/api/v1/rollouts", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/rollouts")).StatusCode);

        await AssertProblemAsync(HttpStatusCode.BadRequest, new { version = "1.1.0" }, "modelId");
        await AssertProblemAsync(HttpStatusCode.BadRequest, new { modelId = _model, version = "1.1.0", policy = new { waveGrowth = 0.5 } }, "WaveGrowth");
        await AssertProblemAsync(HttpStatusCode.BadRequest, new { modelId = _model, version = "1.1.0", policy = new { soakSeconds = -1, maxConcurrentUpdates = 0 } }, "MaxConcurrentUpdates");
        await AssertProblemAsync(HttpStatusCode.BadRequest, new { modelId = _model, version = "1.1.0", devices = new[] { "bad id!" } }, "devices");
        await AssertProblemAsync(HttpStatusCode.NotFound, new { modelId = _model, version = "9.9.9" }, "9.9.9");
        await AssertProblemAsync(HttpStatusCode.NotFound, new { modelId = _model, version = "1.1.0", devices = new[] { "no-such-device" } }, "no-such-device");
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.Reader.GetAsync("/api/v1/rollouts?state=sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Reader.GetAsync("/api/v1/rollouts/ro-unknown")).StatusCode);

        foreach (var device in _devices)
        {
            device.Decide = _ => null;
        }

        var id = await StartAsync(new { soakSeconds = 1 });
        await AssertProblemAsync(HttpStatusCode.Conflict, new { modelId = _model, version = "1.1.0" }, "another rollout");
        await gateway.Operator.PostAsync($"/api/v1/rollouts/{id}/abort", null);
    }

    private async Task AssertProblemAsync(HttpStatusCode status, object body, string mentions)
    {
        var response = await gateway.Operator.PostAsJsonAsync("/api/v1/rollouts", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, text, StringComparison.Ordinal);
    }
}

public sealed class RolloutApiTests(RolloutGatewayFixture gateway) : RolloutApiScenarios(gateway), IClassFixture<RolloutGatewayFixture>;

/// <summary>The same scenarios with <c>akka.actor.serialize-messages = on</c>: rollout commands, views and the twins' desired state cross as if between nodes.</summary>
public sealed class RolloutApiSerializedTests(SerializingRolloutGatewayFixture gateway) : RolloutApiScenarios(gateway), IClassFixture<SerializingRolloutGatewayFixture>;
