using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Gateway.Api.Metrics;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Twins;

public sealed class DeviceTwinTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Reports_StatusAndTelemetry_AreReflectedInTheTwin()
    {
        var id = NewId("reflect");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync(modelVersion: "0.9.1", health: "degraded");
        await device.TelemetryAsync(kl: 0.05);

        var detail = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == 1, "telemetry in the twin");

        var twin = detail.GetProperty("twin");
        Assert.True(twin.GetProperty("online").GetBoolean());
        Assert.Equal("degraded", twin.GetProperty("reported").GetProperty("health").GetString());
        Assert.Equal("0.9.1", twin.GetProperty("reported").GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(0.05, twin.GetProperty("metrics").GetProperty("kl").GetDouble());
        Assert.Equal(Sharding.ShardOf(id), detail.GetProperty("device").GetProperty("shard").GetInt32());

        var list = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/devices?model=0.9.1&health=degraded&online=true");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task DesiredChange_ReachesTheDevice_AndIsReportedApplied()
    {
        var id = NewId("desired");
        await gateway.PushModelAsync("vocoder-d", "1.0.0");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync(modelVersion: "0.1.0");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object, "the first report");

        var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, model = new { id = "vocoder-d", version = "1.0.0" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        await Eventually.TrueAsync(() => !device.Desired.IsEmpty, "desired state at the device");
        Assert.True(device.Desired.TryPeek(out var desired));
        Assert.Equal(1, desired.Version);
        Assert.Equal("1.0.0", desired.Model!.Version);
        var model = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/models/vocoder-d/1.0.0");
        Assert.Equal(model.GetProperty("sha256").GetString(), desired.Model.Sha256);
        Assert.EndsWith("/api/v1/models/vocoder-d/1.0.0/artifact", desired.Model.Url, StringComparison.Ordinal);

        var pending = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("desiredVersion").GetInt32() == 1, "desired version 1");
        Assert.False(pending.GetProperty("twin").GetProperty("delta").GetProperty("inSync").GetBoolean());

        await device.ReportAsync(desiredVersion: 1, modelVersion: "1.0.0", modelId: "vocoder-d");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("delta").GetProperty("inSync").GetBoolean(), "the twin in sync");

        var stale = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.3 } });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
    }

    [Fact]
    public async Task StaleDesiredVersionInAReport_RepublishesDesired_AndARefusalIsSurfaced()
    {
        var id = NewId("stale");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object, "the first report");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.3 } })).StatusCode);
        await Eventually.TrueAsync(() => device.Desired.Count == 1, "the first publication");

        await device.ReportAsync(desiredVersion: 0);
        await Eventually.TrueAsync(() => device.Desired.Count >= 2, "the republished desired state");

        await device.ReportAsync(desiredVersion: 1, cannotApply: new JsonObject { ["version"] = 1, ["reason"] = "threshold out of range" });
        var refused = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("delta").GetProperty("cannotApplyReason").ValueKind == JsonValueKind.String, "the refusal");
        Assert.Equal("threshold out of range", refused.GetProperty("twin").GetProperty("delta").GetProperty("cannotApplyReason").GetString());
    }

    [Fact]
    public async Task DesiredEditWhileOffline_ArrivesOnReconnect()
    {
        var id = NewId("offline");
        await using (var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id))
        {
            await device.StatusAsync();
            await device.ReportAsync();
            await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");
            await device.StatusAsync(online: false);
            await device.DisconnectAsync();
        }

        await gateway.DeviceWhenAsync(id, d => !d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device offline");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.4 } })).StatusCode);

        await using var back = await TestDevice.ConnectAsync(gateway.BrokerPort, id, subscribe: false);
        await Eventually.TrueAsync(() => !back.Desired.IsEmpty, "desired state after reconnecting");
        Assert.True(back.Desired.TryPeek(out var desired));
        Assert.Equal(0.4, desired.Thresholds!.KlMax);
    }

    [Fact]
    public async Task CrashedTwin_IsRestartedAndRehydrated_WithNoReportedStateLost()
    {
        var id = NewId("crash");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync(modelVersion: "3.2.1", health: "healing");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object, "the report");
        var runtime = gateway.Host.Services.GetRequiredService<FleetRuntime>();
        var restartsBefore = runtime.Counters.TwinRestarts.Value;

        runtime.Devices.Tell(new CrashTwin(id));

        await Eventually.TrueAsync(() => runtime.Counters.TwinRestarts.Value > restartsBefore, "the twin restarted");
        var after = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").ValueKind == JsonValueKind.Object, "the rehydrated twin");
        var reported = after.GetProperty("twin").GetProperty("reported");
        Assert.Equal("3.2.1", reported.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal("healing", reported.GetProperty("health").GetString());

        // The rehydrated twin still orders by (epoch, seq): a replay of the old report is a duplicate, a newer one lands.
        await device.ReportAsync(modelVersion: "3.2.2");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("reported").GetProperty("model").GetProperty("version").GetString() == "3.2.2", "the next report");
    }

    [Fact]
    public async Task RepeatedUnhealableFailures_SpendTheRestartBudget_ThenQuarantine()
    {
        var id = NewId("budget");
        await gateway.PushModelAsync("vocoder-q", "1.0.0");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync(modelVersion: "q-1");

        await device.HealAsync("h-1", "unhealable", modelVersion: "q-1");
        await Eventually.TrueAsync(() => device.Commands.Any(c => c.Name == CommandNames.RestartModel), "restartModel first");
        await device.HealAsync("h-2", "budgetExhausted", modelVersion: "q-1");
        await Eventually.TrueAsync(() => device.Commands.Any(c => c.Name == CommandNames.Rollback), "then rollback");
        await device.HealAsync("h-3", "unhealable", modelVersion: "q-1");

        var quarantined = await gateway.DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("quarantined").GetBoolean(), "quarantine");
        Assert.Contains("restart budget", quarantined.GetProperty("device").GetProperty("quarantineReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, quarantined.GetProperty("heals").GetArrayLength());
        Assert.True(quarantined.GetProperty("twin").GetProperty("supervision").GetProperty("escalated").GetBoolean());

        var refused = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, model = new { id = "vocoder-q", version = "1.0.0" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var listed = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/devices?quarantined=true");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetString() == id);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Operator.PostAsync($"/api/v1/devices/{id}/release", null)).StatusCode);
        await gateway.DeviceWhenAsync(id, d => !d.GetProperty("device").GetProperty("quarantined").GetBoolean(), "release");

        // Released with a fresh budget: the next failure climbs the first rung again rather than re-quarantining.
        var restartsBefore = device.Commands.Count(c => c.Name == CommandNames.RestartModel);
        await device.HealAsync("h-4", "unhealable", modelVersion: "q-1");
        await Eventually.TrueAsync(() => device.Commands.Count(c => c.Name == CommandNames.RestartModel) > restartsBefore, "restartModel after release");
        var after = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("supervision").ValueKind == JsonValueKind.Object, "the new budget");
        Assert.False(after.GetProperty("device").GetProperty("quarantined").GetBoolean());
        Assert.Equal(1, after.GetProperty("twin").GetProperty("supervision").GetProperty("failuresInWindow").GetInt32());
    }

    [Fact]
    public async Task Command_RoundTripsToTheDevice_AndTimesOutWhenUnanswered()
    {
        var id = NewId("cmd");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");

        var answer = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands", new { name = "validate", timeoutSeconds = 20 });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal("validate", body.GetProperty("result").GetProperty("echo").GetString());

        device.AnswerCommands = false;
        var silent = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands", new { name = "reportNow", timeoutSeconds = 0.5 });
        Assert.Equal(HttpStatusCode.GatewayTimeout, silent.StatusCode);

        var audit = await gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/audit?target={id}");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "device.command.validate" && e.GetProperty("actor").GetString() == "operator");
    }

    [Fact]
    public async Task SameFailureSignatureAcrossTheFleet_RaisesAnIncident_AndRollsTheVersionBack()
    {
        await gateway.PushModelAsync("vocoder-i", "2.0.0");
        await gateway.PushModelAsync("vocoder-i", "2.1.0", parent: "2.0.0");
        var devices = new List<TestDevice>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var device = await TestDevice.ConnectAsync(gateway.BrokerPort, NewId("inc" + i));
                devices.Add(device);
                await device.ReportAsync(modelVersion: "2.1.0", modelId: "vocoder-i");
            }

            await Eventually.TrueAsync(async () =>
            {
                var summary = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary");
                return summary.GetProperty("byModelVersion").TryGetProperty("2.1.0", out var count) && count.GetInt32() == 20;
            }, "20 devices on 2.1.0");

            foreach (var device in devices)
            {
                await device.HealAsync("h-drift", "healed", diagnosis: "dataDrift", modelVersion: "2.1.0");
            }

            var incident = await Eventually.ValueAsync<string>(async () =>
            {
                var list = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
                return list.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("modelVersion").GetString() == "2.1.0") is { ValueKind: JsonValueKind.Object } found
                    ? found.GetRawText() : null;
            }, "the fleet incident");
            var parsed = JsonDocument.Parse(incident).RootElement;
            Assert.Equal("dataDrift", parsed.GetProperty("diagnosis").GetString());
            Assert.Equal("2.0.0", parsed.GetProperty("rollbackTo").GetString());
            Assert.Equal(20, parsed.GetProperty("rolledBackDevices").GetInt32());

            foreach (var device in devices)
            {
                await Eventually.TrueAsync(() => device.Desired.Any(d => d.Model is { Version: "2.0.0", AllowRollback: true }), "the rollback at " + device.Id);
            }
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }
}
