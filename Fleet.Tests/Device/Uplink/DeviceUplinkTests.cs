using System.Diagnostics;
using System.Globalization;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Fleet.Tests.Device.Uplink;

/// <summary>The uplink on MQTTnet against a real Mosquitto: events survive a broker outage and an agent restart, seq never goes back.</summary>
public sealed class DeviceUplinkTests(MosquittoFixture broker, ITestOutputHelper output) : IClassFixture<MosquittoFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EventsQueuedWhileTheBrokerIsDown_AreAllDelivered_InOrder_AfterItComesBack_EvenAcrossAnAgentRestart()
    {
        var id = "uplink-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await EventSubscriber.StartAsync(broker.Host, broker.Port, id);

        var first = Open(id);
        first.Start();
        await first.EnqueueAsync(Heal("h-0"), CancellationToken.None);
        await gateway.WaitAsync(() => gateway.Events.Count == 1, Patience, "the first event");

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
        await gateway.WaitAsync(() => gateway.Events.Count >= 16, Patience, "16 events");
        await second.DisposeAsync();

        var ids = gateway.Events.Select(e => ((HealEvent)e).Id).ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"h-{i}"), ids);
        var seqs = gateway.Events.Select(e => e.Seq).ToArray();
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(gateway.Events, e => Assert.Equal(gateway.Events.First().Epoch, e.Epoch));
    }

    [Fact]
    public async Task AnEventNobodyReceived_StaysQueued_AndIsDeliveredOnceTheGatewaySubscribes()
    {
        var id = "uplink-" + Guid.NewGuid().ToString("N")[..8];
        await using var uplink = Open(id);
        uplink.Start();
        await uplink.EnqueueAsync(Heal("lonely"), CancellationToken.None);
        await Eventually(() => uplink.NoSubscriberRetries >= 1, "a PUBACK saying no matching subscribers");
        Assert.Equal(1, uplink.Pending);

        await using var gateway = await EventSubscriber.StartAsync(broker.Host, broker.Port, id);
        await gateway.WaitAsync(() => gateway.Events.Count == 1, Patience, "the retried event");

        Assert.Equal("lonely", ((HealEvent)gateway.Events.Single()).Id);
        await Eventually(() => uplink.Pending == 0, "the queue to empty");
    }

    [Fact]
    public async Task ABurstOf1000Events_IsDeliveredInOrder_OneInFlight()
    {
        const int count = 1000;
        var id = "burst-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await EventSubscriber.StartAsync(broker.Host, broker.Port, id);
        await using var uplink = Open(id);
        uplink.Start();
        await uplink.EnqueueAsync(Heal("warm-up"), CancellationToken.None);
        await gateway.WaitAsync(() => gateway.Events.Count == 1, Patience, "the warm-up event");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _ = uplink.EnqueueAsync(Heal($"b-{i}"), CancellationToken.None);
        }

        await gateway.WaitAsync(() => gateway.Events.Count == count + 1, Patience, $"{count} events");
        clock.Stop();

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"b-{i}"), gateway.Events.Skip(1).Select(e => ((HealEvent)e).Id));
        Assert.Equal(0, gateway.Duplicates);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} events through the device uplink (queued on disk, QoS 1, one in flight) in {clock.Elapsed.TotalMilliseconds:F0} ms: {count / clock.Elapsed.TotalSeconds:F0} events/s"));
    }

    private DeviceUplink Open(string id) => new(id, new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = id, Timeout = TimeSpan.FromSeconds(2) },
        DiskEventQueue.Open(Path.Combine(_dir.Path, id, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, id, "seq"), TimeProvider.System),
        TimeProvider.System, NullLogger.Instance, "fleet-device/test");

    private static HealEvent Heal(string id) => new() { Id = id, Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware, Outcome = HealOutcome.Healed };

    private static async Task Eventually(Func<bool> condition, string what)
    {
        await Fleet.Tests.Gateway.Infrastructure.Eventually.TrueAsync(condition, what, Patience);
    }
}
