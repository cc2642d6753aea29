using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Time;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>Idle twins are stopped and their memory released; the next message or read rehydrates them from the store.</summary>
public sealed class TwinPassivationTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private GatewayHost _host = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayHost.StartWithAsync(services => services.AddSingleton<TimeProvider>(_clock), "--Fleet:TwinIdleTimeout", IdleTimeout.ToString());
        _operator = _host.Client(_host.OperatorToken);
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    private FleetRuntime Runtime => _host.Services.GetRequiredService<FleetRuntime>();

    [Fact]
    public async Task IdleTwin_IsPassivated_AndRehydratedByAReadOrAMessage_WithNothingLost()
    {
        var port = _host.Services.GetRequiredService<EmbeddedBroker>().Port;
        await using var idle = await TestDevice.ConnectAsync(port, "idle-" + Guid.NewGuid().ToString("N")[..6]);
        await using var busy = await TestDevice.ConnectAsync(port, "busy-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var device in new[] { idle, busy })
        {
            await device.StatusAsync();
            await device.ReportAsync(modelVersion: "2.0.0", health: "healthy");
        }

        var put = await _operator.PutAsJsonAsync($"/api/v1/devices/{idle.Id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.4 } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await Eventually.TrueAsync(async () => (await StoredHealthAsync(idle.Id)) == "healthy" && (await StoredHealthAsync(busy.Id)) == "healthy", "both reports in the store");
        Assert.Equal(2, Runtime.Counters.Loaded);

        // The busy device speaks halfway through; the idle one stays silent past the idle timeout.
        await AdvanceAsync(TimeSpan.FromMinutes(3));
        await busy.TelemetryAsync(kl: 0.01);
        await Eventually.TrueAsync(async () => (await DetailAsync(busy.Id)).GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == 1, "telemetry in the busy twin");
        await AdvanceAsync(TimeSpan.FromMinutes(3));

        await Eventually.TrueAsync(() => Runtime.Counters.Loaded == 1, "the idle twin stopped");
        Assert.Equal(1, Runtime.Counters.Passivated.Value);

        // A read rehydrates it from the store with its reported and desired state and presence.
        var detail = await DetailAsync(idle.Id);
        var twin = detail.GetProperty("twin");
        Assert.Equal(2, Runtime.Counters.Loaded);
        Assert.True(twin.GetProperty("online").GetBoolean());
        Assert.Equal("2.0.0", twin.GetProperty("reported").GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(1, twin.GetProperty("desiredVersion").GetInt32());

        // Both go idle; a message to a passivated twin rehydrates it and is stored on top of what it had.
        await AdvanceAsync(TimeSpan.FromMinutes(11));
        await Eventually.TrueAsync(() => Runtime.Counters.Loaded == 0, "both twins stopped");
        await idle.ReportAsync(desiredVersion: 1, modelVersion: "2.0.0", health: "degraded");
        await Eventually.TrueAsync(async () => (await StoredHealthAsync(idle.Id)) == "degraded", "the new report stored");
        twin = (await DetailAsync(idle.Id)).GetProperty("twin");
        Assert.Equal("degraded", twin.GetProperty("reported").GetProperty("health").GetString());
        Assert.Equal(1, twin.GetProperty("desiredVersion").GetInt32());
        Assert.True(twin.GetProperty("delta").GetProperty("inSync").GetBoolean());
    }

    /// <summary>Advances the fake clock in small steps so the region's idle check runs at each of its periods.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromSeconds(30);
        for (var done = TimeSpan.Zero; done < by; done += step)
        {
            _clock.Advance(step);
            await Task.Yield();
        }
    }

    private async Task<JsonElement> DetailAsync(string id) =>
        await _operator.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}");

    /// <summary>The device's health as the store lists it (the device list reads the store, not the twin).</summary>
    private async Task<string?> StoredHealthAsync(string id)
    {
        var list = await _operator.GetFromJsonAsync<JsonElement>("/api/v1/devices?limit=100");
        return list.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("id").GetString() == id)
            .Select(d => d.GetProperty("health").GetString()).FirstOrDefault();
    }
}
