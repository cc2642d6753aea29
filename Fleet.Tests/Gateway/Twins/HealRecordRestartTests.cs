using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>What a gateway restart must not lose of a heal: its output excerpts and the device's own time of it.</summary>
public sealed class HealRecordRestartTests
{
    [Fact]
    public async Task LatestHealsExcerpts_AndTheDevicesHealTime_SurviveAGatewayRestart()
    {
        var data = Path.Combine(Path.GetTempPath(), "fleet-heal-" + Guid.NewGuid().ToString("N")[..8]);
        var id = "wave-" + Guid.NewGuid().ToString("N")[..8];
        var healed = new DateTimeOffset(2026, 11, 22, 4, 33, 26, TimeSpan.Zero);
        try
        {
            var first = await GatewayHost.StartInAsync(data);
            first.KeepDataDirectory = true;
            await using (first)
            {
                var port = first.Services.GetService(typeof(Fleet.Gateway.Broker.EmbeddedBroker)) is Fleet.Gateway.Broker.EmbeddedBroker broker ? broker.Port : 0;
                await using var device = await TestDevice.ConnectAsync(port, id);
                await device.ReportAsync();
                await device.PublishAsync(TopicKind.Events, new JsonObject
                {
                    ["type"] = "heal", ["id"] = "h-w", ["diagnosis"] = "hardware", ["trigger"] = "digest", ["outcome"] = "healed", ["ts"] = "2026-11-22T04:33:26Z",
                    ["output"] = new JsonObject { ["sampleRate"] = 8000, ["clean"] = Convert.ToBase64String(new byte[] { 1, 0, 2, 0 }), ["corrupted"] = Convert.ToBase64String(new byte[] { 0, 128 }) },
                });
                using var reader = first.Client(first.ReaderToken);
                await Eventually.TrueAsync(async () => (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}/waveforms")).GetProperty("heal").ValueKind == JsonValueKind.Object, "the excerpts before the restart");
                await Eventually.TrueAsync(async () => (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}")).GetProperty("heals").GetArrayLength() == 1, "the heal stored");
            }

            await using var second = await GatewayHost.StartInAsync(data);
            using var client = second.Client(second.ReaderToken);
            var response = await client.GetAsync($"/api/v1/devices/{id}/waveforms");
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var waveforms = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("h-w", waveforms.GetProperty("heal").GetProperty("id").GetString());
            Assert.Equal(Convert.ToBase64String(new byte[] { 0, 128 }), waveforms.GetProperty("heal").GetProperty("corrupted").GetString());
            var heal = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}")).GetProperty("heals")[0];
            Assert.Equal(healed, heal.GetProperty("deviceTime").GetDateTimeOffset());
            Assert.NotEqual(healed, heal.GetProperty("time").GetDateTimeOffset());
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
