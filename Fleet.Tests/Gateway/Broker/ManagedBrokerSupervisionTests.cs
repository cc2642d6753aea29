using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Broker;

/// <summary>
/// The gateway supervises its managed Mosquitto: when the broker dies it is restarted on the same port (with a growing
/// delay while restarts fail), readiness is degraded with the reason meanwhile, and ready again once it is back.
/// </summary>
public sealed class ManagedBrokerSupervisionTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task KilledManagedBroker_IsRestartedOnItsPort_WhileReadinessSaysItIsDown()
    {
        using var client = _gateway.Client();
        await ReadinessWhenAsync(client, HttpStatusCode.OK, "ready with the managed broker");
        var broker = _gateway.Services.GetRequiredService<EmbeddedBroker>();
        var pidFile = Path.Combine(_gateway.DataDirectory, "broker", "owner.pid");
        var killed = int.Parse(File.ReadAllText(pidFile).Split(' ')[0], CultureInfo.InvariantCulture);

        // Holding the port after the kill keeps every restart failing, so the degraded state lasts until it is let go.
        using (var process = System.Diagnostics.Process.GetProcessById(killed))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        using (var squatter = await Eventually.ValueAsync(() => Task.FromResult(TryListen(broker.Port)), "the dead broker's port to be free"))
        {
            var degraded = await ReadinessWhenAsync(client, HttpStatusCode.ServiceUnavailable, "degraded while the managed broker is down");
            Assert.False(degraded.GetProperty("broker").GetProperty("running").GetBoolean());
            Assert.Contains(degraded.GetProperty("reasons").EnumerateArray(),
                r => r.GetString()!.Contains($"the managed broker on port {broker.Port} is down", StringComparison.Ordinal));
            squatter.Stop();
        }

        var ready = await ReadinessWhenAsync(client, HttpStatusCode.OK, "ready again after the broker's restart");
        Assert.Equal(broker.Port, ready.GetProperty("broker").GetProperty("port").GetInt32());
        Assert.NotEqual(killed, int.Parse(File.ReadAllText(pidFile).Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static TcpListener? TryListen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }

    private static async Task<JsonElement> ReadinessWhenAsync(HttpClient client, HttpStatusCode expected, string what)
    {
        var body = await Eventually.ValueAsync<string>(async () =>
        {
            using var response = await client.GetAsync("/api/v1/health/ready");
            return response.StatusCode == expected ? await response.Content.ReadAsStringAsync() : null;
        }, what, TimeSpan.FromSeconds(90));
        return JsonDocument.Parse(body).RootElement;
    }
}
