using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Queue;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Queue;

public sealed class FileMqttOutboundQueueTests : MqttOutboundQueueTestsBase, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fleet-mqtt-queue-" + Guid.NewGuid().ToString("N")[..8]);

    private string QueueFile => Path.Combine(_directory, "outbound.log");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    protected override Task<IMqttOutboundQueue> CreateAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.FromResult<IMqttOutboundQueue>(FileMqttOutboundQueue.Open(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".log"), flushToDisk: false));
    }

    [Fact]
    public async Task Reopen_AfterRestart_HoldsExactlyTheUnremovedMessages()
    {
        await using (var queue = FileMqttOutboundQueue.Open(QueueFile))
        {
            for (var i = 0; i < 10; i++)
            {
                var sequence = await queue.EnqueueAsync(Message(i));
                if (i % 3 == 0)
                {
                    await queue.RemoveAsync(sequence);
                }
            }
        }

        await using var reopened = FileMqttOutboundQueue.Open(QueueFile);

        Assert.Equal(["q/1", "q/2", "q/4", "q/5", "q/7", "q/8"], (await reopened.PeekAsync(100)).Select(m => m.Message.Topic));
        Assert.True(await reopened.EnqueueAsync(Message(99)) > 10);
    }

    [Fact]
    public async Task Reopen_WithTornLastRecord_KeepsEverythingBeforeIt()
    {
        await using (var queue = FileMqttOutboundQueue.Open(QueueFile))
        {
            await queue.EnqueueAsync(Message(1));
            await queue.EnqueueAsync(Message(2));
        }

        // A crash mid-append leaves half a record behind.
        var bytes = await File.ReadAllBytesAsync(QueueFile);
        await File.WriteAllBytesAsync(QueueFile, bytes[..^7]);

        await using (var reopened = FileMqttOutboundQueue.Open(QueueFile))
        {
            Assert.Equal(["q/1"], (await reopened.PeekAsync(10)).Select(m => m.Message.Topic));
            await reopened.EnqueueAsync(Message(3));
        }

        await using var again = FileMqttOutboundQueue.Open(QueueFile);
        Assert.Equal(["q/1", "q/3"], (await again.PeekAsync(10)).Select(m => m.Message.Topic));
    }

    [Fact]
    public async Task Emptying_TheQueue_TruncatesTheLog()
    {
        await using var queue = FileMqttOutboundQueue.Open(QueueFile, flushToDisk: false);
        var sequences = new List<long>();
        for (var i = 0; i < 100; i++)
        {
            sequences.Add(await queue.EnqueueAsync(Message(i)));
        }

        foreach (var sequence in sequences)
        {
            await queue.RemoveAsync(sequence);
        }

        Assert.Equal(0, new FileInfo(QueueFile).Length);
    }
}

public sealed class MqttOutboundQueueSenderTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "fleet-mqtt-sender-" + Guid.NewGuid().ToString("N")[..8] + ".log");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task MessagesQueuedByAnEarlierProcess_AreDeliveredAndRemoved()
    {
        var topic = "sf/" + Guid.NewGuid().ToString("N")[..8];
        await using (var offline = FileMqttOutboundQueue.Open(_file))
        {
            for (var i = 0; i < 50; i++)
            {
                await offline.EnqueueAsync(new MqttApplicationMessage(topic, BitConverter.GetBytes(i)) { QualityOfService = MqttQualityOfService.AtLeastOnce });
            }
        }

        var collector = new MessageCollector();
        await using var watcher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await watcher.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        await using var queue = FileMqttOutboundQueue.Open(_file);
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        await using var sender = new MqttOutboundQueueSender(client, queue);
        await sender.EnqueueAsync(new MqttApplicationMessage(topic, BitConverter.GetBytes(50)) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        var received = await collector.WaitForAsync(51);
        await MqttTestClients.WaitUntilAsync(() => queue.Count == 0, "the queue to drain");

        Assert.Equal(Enumerable.Range(0, 51), received.Select(m => BitConverter.ToInt32(m.Payload.Span)));
    }
}
