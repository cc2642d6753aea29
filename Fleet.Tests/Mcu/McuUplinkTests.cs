using System.Text;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Device.Uplink;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Tests.Mcu;

/// <summary>The hub's session for one MCU (<see cref="McuUplink"/>) against a real Mosquitto: the MCU's own events go through the on-disk queue unchanged.</summary>
public sealed class McuUplinkTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task McuEvents_QueuedOnDiskThroughABrokerOutageAndAHubRestart_ArriveUnchangedInOrder_AndEveryConnectionAsksTheMcuForItsState()
    {
        var id = "mcu-up-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await EventSubscriber.StartAsync(broker.Host, broker.Port, id);
        var syncs = 0;

        var first = Open(id, () => Interlocked.Increment(ref syncs));
        first.Start();
        await first.EnqueueAsync(Heal(1), CancellationToken.None);
        await gateway.WaitAsync(() => gateway.Events.Count == 1, Patience, "the first event");
        Assert.Equal(1, Volatile.Read(ref syncs));

        await broker.Broker.StopAsync();
        for (var seq = 2; seq <= 6; seq++)
        {
            await first.EnqueueAsync(Heal(seq), CancellationToken.None);
        }

        await first.DisposeAsync();

        // The hub restarts while the broker is still down; the MCU sends more; then the broker returns.
        var second = Open(id, () => Interlocked.Increment(ref syncs));
        second.Start();
        for (var seq = 7; seq <= 8; seq++)
        {
            await second.EnqueueAsync(Heal(seq), CancellationToken.None);
        }

        Assert.Equal(7, second.Pending);
        await broker.Broker.RestartAsync();
        await gateway.WaitAsync(() => gateway.Events.Count >= 8, Patience, "8 events");
        await Eventually.TrueAsync(() => second.Pending == 0, "the queue to empty after the PUBACKs", Patience);
        await second.DisposeAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), gateway.Events.Select(e => e.Seq));
        Assert.All(gateway.Events, e => Assert.Equal(1_795_322_120L, e.Epoch)); // the MCU's stamps, not the hub's
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"h-{i}"), gateway.Events.Select(e => ((HealEvent)e).Id));
        Assert.Equal(2, Volatile.Read(ref syncs)); // one fresh status and report asked for per connection
    }

    private McuUplink Open(string id, Action sync) => new(id, new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = id, Timeout = TimeSpan.FromSeconds(2) },
        DiskEventQueue.Open(Path.Combine(_dir.Path, id, "queue")), TimeProvider.System, NullLogger.Instance, _ =>
        {
            sync();
            return Task.CompletedTask;
        });

    private static byte[] Heal(int seq) =>
        Encoding.UTF8.GetBytes($$"""{"v":1,"seq":{{seq}},"epoch":1795322120,"type":"heal","id":"h-{{seq}}","diagnosis":"hardware","trigger":"digest","rungs":[{"rung":"restoreTensors","validation":"pass","detail":"restored 1 chunk(s), first 3"}],"outcome":"healed","modelVersion":"1.0.0"}""");
}
