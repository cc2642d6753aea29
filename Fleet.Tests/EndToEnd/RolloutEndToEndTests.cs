using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// Staged rollouts end to end: the real gateway (managed Mosquitto, SQLite), real fleet-device agents (ONNX Runtime,
/// signed downloads, golden validation, soak) and real model packages. A good version goes canary → waves → completed;
/// a version that passes its own golden set (so the gateway accepts it) but whose outputs are far from the distribution
/// its card promises heals on the canary during the soak; the canary rolls it back, the rollout rolls back and no other
/// device is ever sent it.
/// </summary>
public sealed class RolloutEndToEndTests(RolloutEndToEndTests.FleetFixture fleet) : IClassFixture<RolloutEndToEndTests.FleetFixture>
{
    private GatewayFixture Gateway => fleet.Gateway;

    /// <summary>One gateway with 1.0.0, 1.1.0 (good) and 1.2.0 (bad) registered, and one agent process simulating six devices.</summary>
    public sealed class FleetFixture : IAsyncLifetime
    {
        public const int Devices = 6;

        public GatewayFixture Gateway { get; } = new();

        internal AgentProcess Agent { get; private set; } = null!;

        public string Prefix { get; } = "ro" + Guid.NewGuid().ToString("N")[..4];

        public string DeviceId(int i) => $"{Prefix}-{i:000}";

        public async Task InitializeAsync()
        {
            await Gateway.InitializeAsync();
            await RegisterModelsAsync();
            Agent = await AgentProcess.SimulatedAsync(Gateway.Reader, Gateway.BrokerPort, Prefix, Devices, "--fps", "50", "--window", "100", "--soak-windows", "3");
            Agent.Start();
        }

        public async Task DisposeAsync()
        {
            if (Agent is not null)
            {
                await Agent.DisposeAsync();
            }

            await Gateway.DisposeAsync();
        }

        /// <summary>
        /// 1.0.0 as the devices ship it (the rollback target), 1.1.0 the same network re-released, 1.2.0 with its output
        /// biases shifted: its golden set is regenerated from the shifted network (it passes the gateway's validation and
        /// the device's staging check) while its baseline still describes the real vocoder's output, as a model that
        /// passes its own tests but is wrong in the field.
        /// </summary>
        private async Task RegisterModelsAsync()
        {
            var vocoder = ReferenceModels.Build().Vocoder;
            await PutAsync("1.0.0", ModelPackage.FromReference(vocoder, "vocoder", "1.0.0"));
            await PutAsync("1.1.0", ModelPackage.FromReference(vocoder, "vocoder", "1.1.0", parent: "1.0.0"));
            var broken = vocoder.Network.Clone();
            var bias = broken.Biases[^1];
            for (var i = 0; i < bias.Length; i++)
            {
                bias[i] += 0.6f;
            }

            var reference = ModelPackage.FromReference(vocoder, "vocoder", "1.2.0", parent: "1.0.0");
            var golden = reference.Golden with { Cases = [.. reference.Golden.Cases.Select(c => new GoldenCase(c.Input, broken.Forward(c.Input)))] };
            var bad = reference with { Onnx = broken.ToOnnx("vocoder", exposeHidden: true), Golden = golden };
            await PutAsync("1.2.0", bad);
        }

        private async Task PutAsync(string version, ModelPackage package)
        {
            var response = await Gateway.Operator.PutAsync($"/api/v1/models/vocoder/{version}" + (version == "1.0.0" ? "" : "?parent=1.0.0"), new ByteArrayContent(ModelPackageWriter.Write(package)));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    private AgentProcess Agent => fleet.Agent;

    private async Task OnlineAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            await DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("modelVersion").GetString() == "1.0.0"
                && d.GetProperty("twin").GetProperty("online").GetBoolean(), "online on vocoder 1.0.0");
        }
    }

    private async Task<string> StartAsync(string version, object policy, IReadOnlyList<string> devices)
    {
        await OnlineAsync(devices);
        await WarmAsync(devices);
        var response = await Gateway.Operator.PostAsJsonAsync("/api/v1/rollouts", new
        {
            modelId = "vocoder",
            version,
            policy,
            devices,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Waits until each device's watchdog is past its warm-up (10 windows), so its statistical triggers are armed.</summary>
    private async Task WarmAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            await WhenAsync($"/api/v1/devices/{id}/metrics?points=60", m => m.GetProperty("points").GetArrayLength() >= 12, $"{id}: 12 telemetry windows");
        }
    }

    [Fact]
    public async Task GoodVersion_ReachesEveryDevice_CanaryThenWaves_AllCommitted()
    {
        var devices = Enumerable.Range(1, 4).Select(fleet.DeviceId).ToList();
        var id = await StartAsync("1.1.0", new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 1, maxKlRatio = 20, maxLatencyRatio = 20, maxHealRateRatio = 1e6 }, devices);
        var done = await RolloutWhenAsync(id, r => r.GetProperty("state").GetString() is "completed" or "rolledBack" or "aborted", "the rollout finished");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal([1, 2, 1], done.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("size").GetInt32()));
        Assert.All(done.GetProperty("results").EnumerateArray(), r => Assert.Equal("committed", r.GetProperty("outcome").GetString()));
        foreach (var device in devices)
        {
            await DeviceWhenAsync(device, d => d.GetProperty("twin").GetProperty("reported").GetProperty("model").GetProperty("version").GetString() == "1.1.0", "reports 1.1.0");
        }
    }

    [Fact]
    public async Task BadVersion_FailsOnTheCanary_IsRolledBack_AndNoOtherDeviceReceivesIt()
    {
        var devices = Enumerable.Range(5, 2).Select(fleet.DeviceId).ToList();
        var id = await StartAsync("1.2.0", new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 1 }, devices);
        var rolledBack = await RolloutWhenAsync(id, r => r.GetProperty("state").GetString() is "completed" or "rolledBack" or "aborted", "the rollout finished");
        Assert.Equal("rolledBack", rolledBack.GetProperty("state").GetString());
        var results = rolledBack.GetProperty("results").EnumerateArray().ToList();
        var canary = Assert.Single(results);
        Assert.Equal("failed", canary.GetProperty("outcome").GetString());
        var canaryId = canary.GetProperty("deviceId").GetString()!;

        // The canary healed the model during its soak, rolled it back itself and runs 1.0.0; its desired state names 1.0.0 again.
        var detail = await DeviceWhenAsync(canaryId, d => Desired(d) == "1.0.0", "the canary's desired state back on 1.0.0");
        Assert.Contains("during the soak", detail.GetProperty("twin").GetProperty("lastUpdate").GetProperty("reason").GetString());
        Assert.Equal("1.0.0", detail.GetProperty("twin").GetProperty("reported").GetProperty("model").GetProperty("version").GetString());
        foreach (var device in devices.Where(d => d != canaryId))
        {
            var other = await Gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device}");
            Assert.NotEqual("1.2.0", Desired(other));
            Assert.Equal("1.0.0", other.GetProperty("twin").GetProperty("reported").GetProperty("model").GetProperty("version").GetString());
        }
    }

    private static string? Desired(JsonElement detail) =>
        detail.GetProperty("twin").GetProperty("desired") is { ValueKind: JsonValueKind.Object } desired && desired.TryGetProperty("model", out var model)
            ? model.GetProperty("version").GetString()
            : null;

    private async Task<JsonElement> RolloutWhenAsync(string id, Func<JsonElement, bool> condition, string what) =>
        await WhenAsync($"/api/v1/rollouts/{id}", condition, what);

    private async Task<JsonElement> DeviceWhenAsync(string id, Func<JsonElement, bool> condition, string what) =>
        await WhenAsync($"/api/v1/devices/{id}", d => d.GetProperty("twin").ValueKind == JsonValueKind.Object && d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object && condition(d), $"{id}: {what}");

    private async Task<JsonElement> WhenAsync(string path, Func<JsonElement, bool> condition, string what) =>
        await AgentProbe.WhenAsync(Gateway.Reader, path, condition, what, Agent.ThrowIfExited, Agent.Log);
}
