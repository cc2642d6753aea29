using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Queue;

namespace Fleet.Tests.Mqtt.Queue;

/// <summary>The contract every <see cref="IMqttOutboundQueue"/> implementation must meet.</summary>
public abstract class MqttOutboundQueueTestsBase
{
    protected abstract Task<IMqttOutboundQueue> CreateAsync();

    protected static MqttApplicationMessage Message(int i) => new($"q/{i}", BitConverter.GetBytes(i))
    {
        QualityOfService = MqttQualityOfService.AtLeastOnce,
        Retain = i % 2 == 0,
        ContentType = "application/octet-stream",
        CorrelationData = new byte[] { (byte)i },
        MessageExpiryInterval = 60,
        UserProperties = [new("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
    };

    [Fact]
    public async Task Peek_ReturnsOldestFirstWithoutRemoving()
    {
        await using var queue = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Message(i));
        }

        var first = await queue.PeekAsync(3);
        var again = await queue.PeekAsync(10);

        Assert.Equal(["q/0", "q/1", "q/2"], first.Select(m => m.Message.Topic));
        Assert.Equal(5, again.Count);
        Assert.Equal(5, queue.Count);
        Assert.True(first.Select(m => m.Sequence).SequenceEqual(first.Select(m => m.Sequence).Order()));
    }

    [Fact]
    public async Task Remove_TakesOnlyThatMessage_AndUnknownSequencesAreIgnored()
    {
        await using var queue = await CreateAsync();
        var a = await queue.EnqueueAsync(Message(1));
        await queue.EnqueueAsync(Message(2));

        await queue.RemoveAsync(a);
        await queue.RemoveAsync(a);
        await queue.RemoveAsync(999_999);

        Assert.Equal(["q/2"], (await queue.PeekAsync(10)).Select(m => m.Message.Topic));
    }

    [Fact]
    public async Task Enqueue_KeepsEveryMessageProperty()
    {
        await using var queue = await CreateAsync();
        await queue.EnqueueAsync(Message(4));

        var m = (await queue.PeekAsync(1))[0].Message;

        Assert.Equal(("q/4", 4, true, "application/octet-stream"), (m.Topic, BitConverter.ToInt32(m.Payload.Span), m.Retain, m.ContentType));
        Assert.Equal((MqttQualityOfService.AtLeastOnce, 60u), (m.QualityOfService, m.MessageExpiryInterval!.Value));
        Assert.Equal(new byte[] { 4 }, m.CorrelationData!.Value.ToArray());
        Assert.Equal([new MqttUserProperty("i", "4")], m.UserProperties);
    }

    [Fact]
    public async Task Sequences_IncreaseWithEnqueueOrder_EvenAfterTheQueueEmptied()
    {
        await using var queue = await CreateAsync();
        var first = await queue.EnqueueAsync(Message(1));
        await queue.RemoveAsync(first);

        var second = await queue.EnqueueAsync(Message(2));

        Assert.True(second > first);
    }
}

public sealed class InMemoryMqttOutboundQueueTests : MqttOutboundQueueTestsBase
{
    protected override Task<IMqttOutboundQueue> CreateAsync() => Task.FromResult<IMqttOutboundQueue>(new InMemoryMqttOutboundQueue());
}
