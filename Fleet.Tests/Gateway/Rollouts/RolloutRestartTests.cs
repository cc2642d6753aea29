using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary>A gateway restart in the middle of a rollout: the new gateway resumes it from the store and the twins.</summary>
public sealed class RolloutRestartTests(RolloutGatewayFixture gateway) : IClassFixture<RolloutGatewayFixture>, IAsyncLifetime
{
    private readonly List<RolloutTestDevice> _devices = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task GatewayRestart_MidRollout_ResumesFromTheStore_AndCompletes()
    {
        const string model = "restarted";
        await gateway.PushModelAsync(model, "1.0.0");
        await gateway.PushModelAsync(model, "2.0.0");
        var release = 0;
        for (var i = 0; i < 4; i++)
        {
            var device = await RolloutTestDevice.StartAsync(gateway.Port, $"restart-{i}", "1.0.0");
            var index = i;
            device.Decide = _ => index == 0 || Volatile.Read(ref release) == 1 ? "committed" : null;
            _devices.Add(device);
        }

        foreach (var device in _devices)
        {
            await Eventually.TrueAsync(async () =>
            {
                var response = await gateway.Reader.GetAsync($"/api/v1/devices/{device.Id}");
                return response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("device").GetProperty("modelVersion").GetString() == "1.0.0";
            }, $"{device.Id} registered");
        }

        var started = await gateway.Operator.PostAsJsonAsync("/api/v1/rollouts", new
        {
            modelId = model,
            version = "2.0.0",
            policy = new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 0.2, maxKlRatio = 100, maxLatencyRatio = 100 },
        });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // The canary passed and wave 1 is in flight (its devices hold their answers) when the gateway goes down.
        await gateway.RolloutWhenAsync(id, r => r.GetProperty("currentWave").GetInt32() == 1 && r.GetProperty("devices").GetProperty("updating").GetInt32() == 2, "wave 1 updating");
        await gateway.RestartGatewayAsync();

        var resumed = await gateway.RolloutAsync(id);
        Assert.Equal("running", resumed.GetProperty("state").GetString());
        Assert.Equal(1, resumed.GetProperty("currentWave").GetInt32());
        Assert.Equal(1, resumed.GetProperty("devices").GetProperty("committed").GetInt32());
        Assert.Equal(2, resumed.GetProperty("devices").GetProperty("updating").GetInt32());
        Volatile.Write(ref release, 1);
        foreach (var device in _devices)
        {
            device.Reconsider();
        }

        var done = await gateway.RolloutWhenAsync(id, r => r.GetProperty("state").GetString() == "completed", "the resumed rollout completed");
        Assert.Equal(4, done.GetProperty("devices").GetProperty("committed").GetInt32());
        Assert.All(_devices, d => Assert.Equal("2.0.0", d.ModelVersion));
    }
}
