using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>The documented rules applied strictly at ingest: what breaks them is rejected with a reason and changes nothing.</summary>
public sealed class StrictIngestTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Fleet.Gateway.Twins.TwinCounters Counters => gateway.Host.Services.GetRequiredService<FleetRuntime>().Counters;

    [Fact]
    public async Task HealWithoutRungs_IsStored_AndTheTwinGoesOn()
    {
        var id = NewId("norungs");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        await device.PublishAsync(TopicKind.Events, new JsonObject { ["type"] = "heal", ["id"] = "h-bare", ["diagnosis"] = "hardware", ["outcome"] = "healed" });
        await device.TelemetryAsync(kl: 0.07);

        var detail = await gateway.DeviceWhenAsync(id, d => d.GetProperty("heals").GetArrayLength() == 1 && d.GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == 1, "the heal and later telemetry");
        var heal = detail.GetProperty("heals")[0];
        Assert.Equal("h-bare", heal.GetProperty("id").GetString());
        Assert.Equal(0, heal.GetProperty("rungs").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, heal.GetProperty("remediation").ValueKind);
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("""{"v":2}""")]
    [InlineData("""{"v":1,"seq":1}""")]
    [InlineData("""{"v":1,"seq":-1,"state":"online"}""")]
    public async Task GarbageOnAStatusTopic_RegistersNoDevice(string garbage)
    {
        var id = NewId("garbage");
        var rejected = Counters.Rejected.Value;
        await MosquittoPubAsync(id, Topics.FromDevice(id, TopicKind.Status), Encoding.UTF8.GetBytes(garbage));
        await Eventually.TrueAsync(() => Counters.Rejected.Value > rejected, "the rejection");

        var control = NewId("control");
        await MosquittoPubAsync(control, Topics.FromDevice(control, TopicKind.Status), """{"v":1,"seq":1,"state":"online"}"""u8.ToArray());
        await gateway.DeviceWhenAsync(control, _ => true, "the valid device");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Reader.GetAsync($"/api/v1/devices/{id}")).StatusCode);
    }

    [Fact]
    public async Task NonFiniteTelemetry_IsRejected_AndTheDeviceStaysReadable()
    {
        var id = NewId("inf");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        var rejected = Counters.Rejected.Value;
        await MosquittoPubAsync(id, Topics.FromDevice(id, TopicKind.Telemetry), """{"v":1,"seq":100,"epoch":1795322120000,"kl":1e400}"""u8.ToArray());
        await Eventually.TrueAsync(() => Counters.Rejected.Value > rejected, "the rejection");

        // Extreme but finite values are data: their running mean may overflow, and the API still answers.
        await MosquittoPubAsync(id, Topics.FromDevice(id, TopicKind.Telemetry), """{"v":1,"seq":101,"epoch":1795322120000,"kl":1.7e308}"""u8.ToArray());
        await MosquittoPubAsync(id, Topics.FromDevice(id, TopicKind.Telemetry), """{"v":1,"seq":102,"epoch":1795322120000,"kl":1.7e308}"""u8.ToArray());
        var detail = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == 2, "the two finite windows");
        Assert.Equal(1.7e308, detail.GetProperty("twin").GetProperty("metrics").GetProperty("kl").GetDouble());
    }

    [Fact]
    public async Task NegativeSeq_IsRejectedWithAReason_NotDroppedAsADuplicate()
    {
        var id = NewId("negseq");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, _ => true, "the device");
        var (rejected, duplicates) = (Counters.Rejected.Value, Counters.Duplicates.Value);

        await MosquittoPubAsync(id, Topics.FromDevice(id, TopicKind.Telemetry), """{"v":1,"seq":-3,"kl":0.1}"""u8.ToArray());

        await Eventually.TrueAsync(() => Counters.Rejected.Value > rejected, "the rejection");
        Assert.Equal(duplicates, Counters.Duplicates.Value);
    }

    [Fact]
    public async Task HealWithAnUnknownTriggerOrAnOverlongId_IsRejected_AndNotStored()
    {
        var id = NewId("trigger");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        var rejected = Counters.Rejected.Value;
        await device.PublishAsync(TopicKind.Events, new JsonObject { ["type"] = "heal", ["id"] = "h-1", ["diagnosis"] = "hardware", ["trigger"] = "gremlins", ["outcome"] = "healed" });
        await device.PublishAsync(TopicKind.Events, new JsonObject { ["type"] = "heal", ["id"] = new string('h', 200), ["diagnosis"] = "hardware", ["outcome"] = "healed" });
        await Eventually.TrueAsync(() => Counters.Rejected.Value >= rejected + 2, "both rejections");

        await device.HealAsync("h-good", "healed");
        var detail = await gateway.DeviceWhenAsync(id, d => d.GetProperty("heals").GetArrayLength() > 0, "the valid heal");
        Assert.Equal("h-good", Assert.Single(detail.GetProperty("heals").EnumerateArray()).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"expectedVersion":0,"thresholds":{"klMax":1e400}}""", "finite")]
    [InlineData("""{"expectedVersion":0,"thresholds":{"inputShiftMax":-1e999}}""", "finite")]
    [InlineData("""{"expectedVersion":0,"thresholds":{"klMax":-0.5}}""", "positive")]
    public async Task DesiredWithANonFiniteThreshold_IsA400WithADetail(string body, string detailMentions)
    {
        var id = NewId("klmax");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, _ => true, "the device");

        var response = await gateway.Operator.PutAsync($"/api/v1/devices/{id}/desired", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(detailMentions, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var twin = await gateway.DeviceWhenAsync(id, _ => true, "the device after the refusal");
        Assert.Equal(0, twin.GetProperty("twin").GetProperty("desiredVersion").GetInt32());
    }

    private async Task MosquittoPubAsync(string clientId, string topic, byte[] payload)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, payload);
            var result = await ProcessRunner.RunAsync("mosquitto_pub",
                ["-V", "5", "-h", "127.0.0.1", "-p", gateway.BrokerPort.ToString(CultureInfo.InvariantCulture), "-i", clientId + "-pub", "-q", "1", "-t", topic, "-f", file],
                TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0, result.StandardError);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
