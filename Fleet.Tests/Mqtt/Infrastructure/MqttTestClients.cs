using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Infrastructure;

/// <summary>Creates connected clients for tests.</summary>
public static class MqttTestClients
{
    public static MqttClientOptions Options(int port, string? clientId = null, MqttProtocolVersion version = MqttProtocolVersion.V500) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ClientId = clientId ?? "t-" + Guid.NewGuid().ToString("N")[..10],
        ProtocolVersion = version,
    };

    public static async Task<MqttClient> ConnectAsync(MqttClientOptions options, MessageCollector? collector = null, TimeProvider? time = null)
    {
        var client = new MqttClient(options, timeProvider: time);
        if (collector is not null)
        {
            client.MessageReceived = collector.Handle;
        }

        var result = await client.ConnectAsync();
        Assert.True(result.IsSuccess, $"connect failed: {result.ResultCode}");
        return client;
    }

    /// <summary>Waits for a condition that real asynchronous work makes true (no fixed sleeps).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }
}
