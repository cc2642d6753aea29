using System.Collections.Concurrent;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Tests.Device.Uplink;

/// <summary>The uplink against a real Mosquitto: events survive a broker outage and an agent restart, seq never goes back.</summary>
public sealed class DeviceUplinkTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EventsQueuedWhileTheBrokerIsDown_AreAllDelivered_InOrder_AfterItComesBack_EvenAcrossAnAgentRestart()
    {
        var id = "uplink-" + Guid.NewGuid().ToString("N")[..8];
        var received = new ConcurrentQueue<DeviceEvent>();
        await using var gateway = await SubscribeAsync(id, received);

        var first = Open(id);
        first.Start();
        await first.EnqueueAsync(Heal("h-0"), CancellationToken.None);
        await WaitAsync(() => received.Count == 1);

        await broker.Broker.StopAsync();
        for (var i = 1; i <= 10; i++)
        {
            await first.EnqueueAsync(Heal($"h-{i}"), CancellationToken.None);
        }

        await first.DisposeAsync();

        // The agent restarts while the broker is still down, queues more, then the broker returns.
        var second = Open(id);
        second.Start();
        for (var i = 11; i <= 15; i++)
        {
            await second.EnqueueAsync(Heal($"h-{i}"), CancellationToken.None);
        }

        Assert.Equal(15, second.Pending);
        await broker.Broker.RestartAsync();
        await WaitAsync(() => received.Count >= 16 && second.Pending == 0);
        await second.DisposeAsync();

        var ids = received.Select(e => ((HealEvent)e).Id).Distinct().ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"h-{i}"), ids);
        var seqs = received.Select(e => e.Seq).ToArray();
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(received, e => Assert.Equal(received.First().Epoch, e.Epoch));
    }

    private DeviceUplink Open(string id) => new(id, new MqttClientOptions { Host = broker.Host, Port = broker.Port, ConnectTimeout = TimeSpan.FromSeconds(2) },
        DiskEventQueue.Open(Path.Combine(_dir.Path, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, "seq"), TimeProvider.System),
        TimeProvider.System, NullLogger.Instance, "fleet-device/test");

    private static HealEvent Heal(string id) => new() { Id = id, Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware, Outcome = HealOutcome.Healed };

    private async Task<MqttClient> SubscribeAsync(string id, ConcurrentQueue<DeviceEvent> received)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "gw-" + id,
            CleanStart = false,
            SessionExpiryInterval = 600,
            AutoReconnect = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaximumDelay = TimeSpan.FromSeconds(1),
        });
        client.MessageReceived = (message, _) =>
        {
            var decoded = WireCodec.DecodeEvent(message.Payload.Span);
            Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
            received.Enqueue(decoded.Value!);
            return ValueTask.CompletedTask;
        };
        await client.ConnectAsync();
        await client.SubscribeAsync(Topics.FromDevice(id, TopicKind.Events), MqttQualityOfService.AtLeastOnce);
        return client;
    }

    private static Task WaitAsync(Func<bool> condition) => Eventually.TrueAsync(condition, "delivery", Patience);
}
