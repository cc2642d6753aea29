using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Fleet.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>A device made only of mosquitto_pub and mosquitto_sub, following docs/PROTOCOL.md, is a twin like any other.</summary>
public sealed class ForeignDeviceTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task ShellDevice_AppearsAsATwin_ReportsAndReceivesDesired()
    {
        var id = "sh-" + Guid.NewGuid().ToString("N")[..8];
        var shard = ShardFromTheSpec(id);
        var port = gateway.BrokerPort.ToString(CultureInfo.InvariantCulture);

        await PubAsync(port, id, $"fleet/v1/s/{shard}/{id}/status", """{"v":1,"seq":1,"state":"online"}""", retain: true);
        await PubAsync(port, id, $"fleet/v1/s/{shard}/{id}/report", """{"v":1,"seq":2,"desiredVersion":0,"model":{"id":"vocoder","version":"1.2.0","source":"active"},"health":"healthy"}""", retain: true);
        await PubAsync(port, id, $"fleet/v1/s/{shard}/{id}/telemetry", """{"v":1,"seq":3,"kl":0.02,"latencyP99Us":410}""", retain: false, qos: 0);

        var detail = await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == 1, "the shell device's twin");
        Assert.True(detail.GetProperty("twin").GetProperty("online").GetBoolean());
        Assert.Equal("1.2.0", detail.GetProperty("device").GetProperty("modelVersion").GetString());
        Assert.Equal(shard, detail.GetProperty("device").GetProperty("shard").GetInt32());

        var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.33 } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // The retained desired state is what a device subscribing later receives.
        var received = await ProcessRunner.RunAsync("mosquitto_sub",
            ["-V", "5", "-h", "127.0.0.1", "-p", port, "-i", id + "-sub", "-t", $"fleet/v1/d/{id}/desired", "-C", "1", "-W", "30"], TimeSpan.FromSeconds(40));
        Assert.Equal(0, received.ExitCode);
        var desired = JsonDocument.Parse(received.StandardOutput).RootElement;
        Assert.Equal(1, desired.GetProperty("v").GetInt32());
        Assert.Equal(1, desired.GetProperty("version").GetInt32());
        Assert.Equal(0.33, desired.GetProperty("thresholds").GetProperty("klMax").GetDouble());
    }

    [Fact]
    public async Task WrongShardInTheTopic_IsRejected_AndRegistersNothing()
    {
        var id = "sh-" + Guid.NewGuid().ToString("N")[..8];
        var wrong = (ShardFromTheSpec(id) + 1) % 64;
        var counters = gateway.Host.Services.GetRequiredService<FleetRuntime>().Counters;
        var rejectedBefore = counters.Rejected.Value;
        await PubAsync(gateway.BrokerPort.ToString(CultureInfo.InvariantCulture), id, $"fleet/v1/s/{wrong}/{id}/status", """{"v":1,"seq":1,"state":"online"}""", retain: false);
        var rightId = "sh-" + Guid.NewGuid().ToString("N")[..8];
        await PubAsync(gateway.BrokerPort.ToString(CultureInfo.InvariantCulture), rightId, $"fleet/v1/s/{ShardFromTheSpec(rightId)}/{rightId}/status", """{"v":1,"seq":1,"state":"online"}""", retain: false);

        await Eventually.TrueAsync(() => counters.Rejected.Value > rejectedBefore, "the rejection");
        await gateway.DeviceWhenAsync(rightId, _ => true, "the correctly addressed device");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Reader.GetAsync($"/api/v1/devices/{id}")).StatusCode);
    }

    [Fact]
    public async Task ShellDeviceExample_AsPrinted_KeepsItsSubscriberSession_WhileItPublishes()
    {
        var id = "shx-" + Guid.NewGuid().ToString("N")[..8];
        var shard = ShardFromTheSpec(id);
        var port = gateway.BrokerPort.ToString(CultureInfo.InvariantCulture);

        // docs/PROTOCOL.md's example: a persistent subscriber with the device's id and Last Will, publishes under another id.
        using var subscriber = ProcessRunner.Start("mosquitto_sub",
            ["-V", "5", "-h", "127.0.0.1", "-p", port, "-i", id, "-c", "-x", "86400", "-q", "1", "-t", $"fleet/v1/d/{id}/#", "-v",
             "--will-topic", $"fleet/v1/s/{shard}/{id}/status", "--will-qos", "1", "--will-retain", "--will-payload", """{"v":1,"state":"offline","reason":"lost"}"""]);
        try
        {
            await PubAsync(port, id + "-pub", $"fleet/v1/s/{shard}/{id}/status", """{"v":1,"seq":1,"state":"online"}""", retain: true);
            await PubAsync(port, id + "-pub", $"fleet/v1/s/{shard}/{id}/report", """{"v":1,"seq":2,"health":"healthy"}""", retain: true);
            await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object, "the shell device's report");

            var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.44 } });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

            var line = await subscriber.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith($"fleet/v1/d/{id}/desired ", line, StringComparison.Ordinal);
            Assert.False(subscriber.HasExited, "the publishes took the subscriber's session over");
            var detail = await gateway.DeviceWhenAsync(id, _ => true, "the device");
            Assert.True(detail.GetProperty("twin").GetProperty("online").GetBoolean());
        }
        finally
        {
            subscriber.Kill();
            await subscriber.WaitForExitAsync();
        }
    }

    /// <summary>FNV-1a-32 of the id mod 64, written from docs/PROTOCOL.md rather than calling Sharding.</summary>
    private static int ShardFromTheSpec(string id)
    {
        uint h = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(id))
        {
            h = unchecked((h ^ b) * 16777619);
        }

        return (int)(h % 64);
    }

    private static async Task PubAsync(string port, string id, string topic, string payload, bool retain, int qos = 1)
    {
        var arguments = new List<string> { "-V", "5", "-h", "127.0.0.1", "-p", port, "-i", id, "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-m", payload };
        if (retain)
        {
            arguments.Add("-r");
        }

        var result = await ProcessRunner.RunAsync("mosquitto_pub", arguments, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.StandardError);
    }
}
