using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Security;
using Fleet.Tests.Dashboard;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Fleet.Tests.Mcu;

/// <summary>
/// End to end: the agent firmware on QEMU (Cortex-M4) → its UART as a TCP socket → <c>fleet-device --mcu</c> →
/// the gateway's broker → the gateway (and its dashboard in headless Chromium). The MCU becomes a device with its
/// twin; a bit flip injected through the gateway's command API is healed on the MCU, lands in the heal log and on the
/// device's dashboard page; a model version desired through the gateway is refused by a hub without the fleet's key
/// and, as a package altered after signing, by a hub with it (the MCU keeps serving its model and reports why), and
/// installed once the package verifies.
/// </summary>
[Collection(McuCollection.Name)]
public sealed class McuBridgeEndToEndTests(McuFixture fixture, DashboardFixture dashboard) : IClassFixture<DashboardFixture>
{
    private GatewayFixture Gateway => dashboard.Gateway;

    [Fact]
    public async Task QemuMcu_BridgedByFleetDevice_IsADeviceWhoseInjectedBitFlipIsHealedLoggedAndShownOnTheDashboard()
    {
        const string id = "mcu-e2e-1";
        await using var mcu = await QemuLink.StartAsync(fixture, id);
        var data = Directory.CreateTempSubdirectory("fleet-mcu-hub-").FullName;
        await using var hub = AgentProcess.Single("--mcu", mcu.Link, "--broker", $"127.0.0.1:{Gateway.BrokerPort}", "--data", data);
        try
        {
            hub.Start();
            var online = await AgentProbe.DeviceWhenAsync(Gateway.Reader, hub, id, AgentProbe.OnlineWithVocoder, "the MCU online with the vocoder");
            var reported = AgentProbe.Twin(online)!.Value.GetProperty("reported");
            Assert.Equal("active", reported.GetProperty("model").GetProperty("source").GetString());
            Assert.Equal("healthy", reported.GetProperty("health").GetString());

            var inject = await Gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands",
                new { name = "injectFault", args = new { fault = "bitflip" }, timeoutSeconds = 30 });
            var answer = await inject.Content.ReadAsStringAsync();
            Assert.True(inject.IsSuccessStatusCode, answer);

            var healed = await AgentProbe.DeviceWhenAsync(Gateway.Reader, hub, id, d => d.GetProperty("heals").GetArrayLength() > 0, "the MCU's heal event in the heal log");
            var heal = healed.GetProperty("heals")[0];
            Assert.Equal(("hardware", "healed"), (heal.GetProperty("diagnosis").GetString(), heal.GetProperty("outcome").GetString()));
            var rung = Assert.Single(heal.GetProperty("rungs").EnumerateArray());
            Assert.Equal(("restoreTensors", "pass"), (rung.GetProperty("rung").GetString(), rung.GetProperty("validation").GetString()));

            // The operator's view: the device page's heal timeline shows the MCU's episode, rung by rung.
            var browser = dashboard.Browser;
            browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
            var shown = browser.WaitForElement("#heals li.heal.healed", "the MCU's heal on its dashboard page");
            Assert.Contains("hardware", shown.Text, StringComparison.Ordinal);
            Assert.Contains("via digest", shown.Text, StringComparison.Ordinal);
            Assert.Contains("model 1.0.0", shown.Text, StringComparison.Ordinal);
            var step = Assert.Single(shown.FindElements(By.CssSelector("ul.rungs li")));
            Assert.Equal("ok", step.GetAttribute("class"));
            Assert.StartsWith("restoreTensors: pass", step.Text, StringComparison.Ordinal);
            Assert.Contains("restored 1 chunk(s)", step.Text, StringComparison.Ordinal);
            Assert.Contains("healthy", browser.Driver.FindElement(By.CssSelector("#device-status [data-fact='Health']")).Text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task DesiredModelVersion_RefusedWithoutTheFleetKeyOrWhenTampered_KeepsTheOldModel_InstalledWhenVerified()
    {
        const string id = "mcu-e2e-2";
        var vocoder = ReferenceModels.Build().Vocoder;
        var push = await Gateway.Operator.PutAsync("/api/v1/models/vocoder/1.0.1", new ByteArrayContent(ModelPackageWriter.Write(ModelPackage.FromReference(vocoder, "vocoder", "1.0.1"))));
        Assert.True(push.StatusCode == HttpStatusCode.Created, await push.Content.ReadAsStringAsync());
        await using var mcu = await QemuLink.StartAsync(fixture, id);
        var data = Directory.CreateTempSubdirectory("fleet-mcu-hub-").FullName;
        var wrongKey = Path.Combine(data, "not-the-fleet-key.pem");
        using (var key = FleetKey.Create())
        {
            await File.WriteAllTextAsync(wrongKey, key.ExportSubjectPublicKeyInfoPem());
        }

        var fleetKey = Path.Combine(data, "fleet-key.pem");
        await File.WriteAllTextAsync(fleetKey, await Gateway.Reader.GetStringAsync("/api/v1/fleet/key"));
        try
        {
            int desired;
            await using (var impostor = Hub(mcu, wrongKey, Path.Combine(data, "a")))
            {
                impostor.Start();
                var online = await AgentProbe.DeviceWhenAsync(Gateway.Reader, impostor, id, AgentProbe.OnlineWithVocoder, "the MCU online with the vocoder");
                desired = await DesireAsync(id, AgentProbe.Twin(online)!.Value.GetProperty("desiredVersion").GetInt32());

                var refused = await AgentProbe.DeviceWhenAsync(Gateway.Reader, impostor, id, d => AgentProbe.ReportedDesired(d, desired), "the MCU's answer to the desired model");
                var reported = AgentProbe.Twin(refused)!.Value.GetProperty("reported");
                Assert.True(reported.TryGetProperty("cannotApply", out var cannot) && cannot.ValueKind == JsonValueKind.Object, reported.GetRawText());
                Assert.Equal(desired, cannot.GetProperty("version").GetInt32());
                Assert.Contains("signature does not verify", cannot.GetProperty("reason").GetString(), StringComparison.Ordinal);
                Assert.Equal(("1.0.0", "active", "healthy"), (reported.GetProperty("model").GetProperty("version").GetString(),
                    reported.GetProperty("model").GetProperty("source").GetString(), reported.GetProperty("health").GetString()));
            }

            await using var hub = Hub(mcu, fleetKey, Path.Combine(data, "b"));
            hub.Start();
            // The new hub asks the MCU who it is (it said hello long ago) and brings it online again.
            await AgentProbe.DeviceWhenAsync(Gateway.Reader, hub, id, d => AgentProbe.OnlineWithVocoder(d) && AgentProbe.ReportedDesired(d, desired), "the MCU online through the second hub");
            // The package altered in the gateway's store after it was signed: the hub's SHA-256 check refuses it.
            var original = (await Gateway.Host.Services.GetRequiredService<FleetStoreService>().Store.Models.GetArtifactAsync("vocoder", "1.0.1", CancellationToken.None))!;
            var altered = (byte[])original.Clone();
            altered[altered.Length / 2] ^= 0x20;
            await StoreArtifactAsync("vocoder", "1.0.1", altered);
            var tampered = await DesireAsync(id, desired);
            var refusedAgain = await AgentProbe.DeviceWhenAsync(Gateway.Reader, hub, id, d => AgentProbe.ReportedDesired(d, tampered), "the MCU's answer to the tampered package");
            var stillOld = AgentProbe.Twin(refusedAgain)!.Value.GetProperty("reported");
            Assert.Contains("SHA-256 does not match", stillOld.GetProperty("cannotApply").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal("1.0.0", stillOld.GetProperty("model").GetProperty("version").GetString());

            await StoreArtifactAsync("vocoder", "1.0.1", original);
            var again = await DesireAsync(id, tampered);

            var installed = await AgentProbe.DeviceWhenAsync(Gateway.Reader, hub, id,
                d => AgentProbe.ReportedDesired(d, again) && AgentProbe.Twin(d)!.Value.GetProperty("reported").GetProperty("model").GetProperty("version").GetString() == "1.0.1",
                "vocoder 1.0.1 installed on the MCU");
            var twin = AgentProbe.Twin(installed)!.Value;
            Assert.False(twin.GetProperty("reported").TryGetProperty("cannotApply", out var none) && none.ValueKind == JsonValueKind.Object, twin.GetRawText());
            Assert.Equal("active", twin.GetProperty("reported").GetProperty("model").GetProperty("source").GetString());
            Assert.True(twin.GetProperty("delta").GetProperty("inSync").GetBoolean(), twin.GetRawText());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Overwrites a registered version's artifact in the gateway's store (SQLite), as an attacker with the database could.</summary>
    private async Task StoreArtifactAsync(string id, string version, byte[] artifact)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Gateway.Host.DataDirectory, "fleet.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE models SET artifact = $artifact WHERE model_id = $id AND version = $version";
        command.Parameters.AddWithValue("$artifact", artifact);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$version", version);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private AgentProcess Hub(QemuLink mcu, string keyPath, string data) =>
        AgentProcess.Single("--mcu", mcu.Link, "--broker", $"127.0.0.1:{Gateway.BrokerPort}", "--data", data, "--fleet-key", keyPath, "--input-range", "0:1");

    /// <summary>Desires vocoder 1.0.1 for the device; returns the new desired version.</summary>
    private async Task<int> DesireAsync(string id, int expectedVersion)
    {
        var put = await Gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion, model = new { id = "vocoder", version = "1.0.1" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
    }

    /// <summary>The agent firmware on QEMU with UART1 served on a local TCP port (the MCU boots once a hub attaches, and waits for the next one when it leaves).</summary>
    private sealed class QemuLink : IAsyncDisposable
    {
        private readonly Process _qemu;

        private QemuLink(Process qemu, int port)
        {
            _qemu = qemu;
            Link = $"tcp:127.0.0.1:{port}";
        }

        public string Link { get; }

        public static async Task<QemuLink> StartAsync(McuFixture fixture, string deviceId)
        {
            var elf = await fixture.AgentFirmwareAsync(deviceId);
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var qemu = Process.Start(new ProcessStartInfo("qemu-system-arm")
            {
                // wait=on: the MCU boots only once the hub is attached, so its hello is not sent into the void.
                ArgumentList = { "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none", "-serial", "null",
                    "-serial", $"tcp:127.0.0.1:{port},server=on,wait=on", "-kernel", elf },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            return new QemuLink(qemu, port);
        }

        public async ValueTask DisposeAsync()
        {
            _qemu.Kill();
            await _qemu.WaitForExitAsync();
            _qemu.Dispose();
        }
    }
}
