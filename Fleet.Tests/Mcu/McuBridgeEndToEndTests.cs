using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Mcu;

/// <summary>
/// End to end: the agent firmware on QEMU (Cortex-M4) → its UART as a TCP socket → <c>fleet-device --mcu</c> →
/// the gateway's broker → the gateway. The MCU becomes a device with its twin, a bit flip injected through the
/// gateway's command API is healed on the MCU, and the heal episode lands in the gateway's heal log.
/// </summary>
[Collection(McuCollection.Name)]
public sealed class McuBridgeEndToEndTests(McuFixture fixture, GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task QemuMcu_BridgedByFleetDevice_IsADeviceWhoseInjectedBitFlipIsHealedAndLogged()
    {
        const string id = "mcu-e2e-1";
        var elf = await fixture.AgentFirmwareAsync(id);
        var port = FreePort();
        using var qemu = Process.Start(new ProcessStartInfo("qemu-system-arm")
        {
            // wait=on: the MCU boots only once the hub is attached, so its hello is not sent into the void.
            ArgumentList = { "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none", "-serial", "null",
                "-serial", $"tcp:127.0.0.1:{port},server=on,wait=on", "-kernel", elf },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await using var hub = AgentProcess.Single("--mcu", $"tcp:127.0.0.1:{port}", "--broker", $"127.0.0.1:{gateway.BrokerPort}");
        try
        {
            hub.Start();
            var online = await AgentProbe.DeviceWhenAsync(gateway.Reader, hub, id, AgentProbe.OnlineWithVocoder, "the MCU online with the vocoder");
            var reported = AgentProbe.Twin(online)!.Value.GetProperty("reported");
            Assert.Equal("active", reported.GetProperty("model").GetProperty("source").GetString());
            Assert.Equal("healthy", reported.GetProperty("health").GetString());

            var inject = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands",
                new { name = "injectFault", args = new { fault = "bitflip" }, timeoutSeconds = 30 });
            var answer = await inject.Content.ReadAsStringAsync();
            Assert.True(inject.IsSuccessStatusCode, answer);

            var healed = await AgentProbe.DeviceWhenAsync(gateway.Reader, hub, id, d => d.GetProperty("heals").GetArrayLength() > 0, "the MCU's heal event in the heal log");
            var heal = healed.GetProperty("heals")[0];
            Assert.Equal(("hardware", "healed"), (heal.GetProperty("diagnosis").GetString(), heal.GetProperty("outcome").GetString()));
            var rung = Assert.Single(heal.GetProperty("rungs").EnumerateArray());
            Assert.Equal(("restoreTensors", "pass"), (rung.GetProperty("rung").GetString(), rung.GetProperty("validation").GetString()));
        }
        finally
        {
            qemu.Kill();
            await qemu.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
