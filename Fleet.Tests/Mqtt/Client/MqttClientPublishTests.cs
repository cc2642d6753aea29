using System.Text;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientPublishTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private static string Topic() => "t/" + Guid.NewGuid().ToString("N")[..10];

    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.ExactlyOnce)]
    public async Task Publish_EachQoS_ArrivesInOrderWithThatQoS(MqttProtocolVersion version, MqttQualityOfService qos)
    {
        var topic = Topic();
        var collector = new MessageCollector();
        await using var subscriber = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, version: version), collector);
        await subscriber.SubscribeAsync(topic, MqttQualityOfService.ExactlyOnce);
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, version: version));

        var results = new List<MqttPublishResult>();
        for (var i = 0; i < 100; i++)
        {
            results.Add(await publisher.PublishAsync(new MqttApplicationMessage(topic, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))) { QualityOfService = qos }));
        }

        var received = await collector.WaitForAsync(100);
        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(m => m.PayloadAsString()));
        Assert.All(received, m => Assert.Equal(qos, m.QualityOfService));
        Assert.Equal(0, publisher.PendingPublications);
    }

    [Fact]
    public async Task Publish_V5Properties_ReachTheSubscriber()
    {
        var topic = Topic();
        var collector = new MessageCollector();
        await using var subscriber = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await subscriber.SubscribeAsync([new MqttTopicSubscription(topic, MqttQualityOfService.AtLeastOnce)], subscriptionIdentifier: 42);
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        await publisher.PublishAsync(new MqttApplicationMessage(topic, "{}"u8.ToArray())
        {
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            ContentType = "application/json",
            PayloadFormat = MqttPayloadFormat.Utf8,
            MessageExpiryInterval = 600,
            ResponseTopic = "reply/here",
            CorrelationData = new byte[] { 7, 8 },
            UserProperties = [new("k", "v1"), new("k", "v2")],
        });

        var m = (await collector.WaitForAsync(1))[0];
        Assert.Equal(("application/json", "reply/here"), (m.ContentType, m.ResponseTopic));
        Assert.Equal((MqttPayloadFormat?)MqttPayloadFormat.Utf8, m.PayloadFormat);
        Assert.InRange(m.MessageExpiryInterval!.Value, 1u, 600u);
        Assert.Equal(new byte[] { 7, 8 }, m.CorrelationData!.Value.ToArray());
        Assert.Equal([new MqttUserProperty("k", "v1"), new MqttUserProperty("k", "v2")], m.UserProperties);
        Assert.Equal([42u], m.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Publish_Qos1WithoutSubscribers_ReturnsNoMatchingSubscribers()
    {
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        var result = await publisher.PublishAsync(new MqttApplicationMessage(Topic(), "x"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        Assert.True(result.IsSuccess);
        Assert.Equal(MqttPublishReasonCode.NoMatchingSubscribers, result.ReasonCode);
    }

    [Fact]
    public async Task Retained_NewSubscriber_GetsItFlaggedRetained_UnlessRetainHandlingSaysNo()
    {
        var topic = Topic();
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        await publisher.PublishAsync(new MqttApplicationMessage(topic, "kept"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true });
        var collector = new MessageCollector();
        await using var subscriber = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);

        await subscriber.SubscribeAsync([new MqttTopicSubscription(topic + "/none", RetainHandling: MqttRetainHandling.DoNotSend)]);
        await subscriber.SubscribeAsync([new MqttTopicSubscription(topic + "/#", MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.DoNotSend)]);
        await subscriber.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);

        var m = (await collector.WaitForAsync(1))[0];
        Assert.True(m.Retain);
        Assert.Equal("kept", m.PayloadAsString());
        await subscriber.PingAsync();
        Assert.Equal(1, collector.Count);
    }

    [Fact]
    public async Task NoLocal_OwnPublications_AreNotDeliveredBack()
    {
        var topic = Topic();
        var collector = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await client.SubscribeAsync([new MqttTopicSubscription(topic, MqttQualityOfService.AtLeastOnce, NoLocal: true)]);
        await using var other = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        await client.PublishAsync(new MqttApplicationMessage(topic, "own"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        await other.PublishAsync(new MqttApplicationMessage(topic, "other"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        Assert.Equal(["other"], (await collector.WaitForAsync(1)).Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task RetainAsPublished_KeepsTheRetainFlagOnLiveMessages()
    {
        var topic = Topic();
        var asPublished = new MessageCollector();
        var cleared = new MessageCollector();
        await using var a = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), asPublished);
        await using var b = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), cleared);
        await a.SubscribeAsync([new MqttTopicSubscription(topic, MqttQualityOfService.AtLeastOnce, RetainAsPublished: true)]);
        await b.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        await publisher.PublishAsync(new MqttApplicationMessage(topic, "r"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true });

        Assert.True((await asPublished.WaitForAsync(1))[0].Retain);
        Assert.False((await cleared.WaitForAsync(1))[0].Retain);
        await publisher.PublishAsync(new MqttApplicationMessage(topic, ReadOnlyMemory<byte>.Empty) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true });
    }

    [Fact]
    public async Task SharedSubscription_SplitsMessagesAcrossTheGroup()
    {
        var topic = Topic();
        var first = new MessageCollector();
        var second = new MessageCollector();
        await using var a = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), first);
        await using var b = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), second);
        await a.SubscribeAsync($"$share/workers/{topic}", MqttQualityOfService.AtLeastOnce);
        await b.SubscribeAsync($"$share/workers/{topic}", MqttQualityOfService.AtLeastOnce);
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage(topic, BitConverter.GetBytes(i)) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        }

        await MqttTestClients.WaitUntilAsync(() => first.Count + second.Count >= 100, "100 shared deliveries");
        Assert.True(first.Count > 0 && second.Count > 0, $"split {first.Count}/{second.Count}");
        Assert.Equal(100, first.Messages.Concat(second.Messages).Select(m => BitConverter.ToInt32(m.Payload.Span)).Distinct().Count());
    }

    [Fact]
    public async Task Unsubscribe_StopsDelivery()
    {
        var topic = Topic();
        var collector = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await client.SubscribeAsync(topic + "/a", MqttQualityOfService.AtLeastOnce);
        await client.SubscribeAsync(topic + "/b", MqttQualityOfService.AtLeastOnce);

        var result = await client.UnsubscribeAsync([topic + "/a", topic + "/never"]);
        await client.PublishAsync(new MqttApplicationMessage(topic + "/a", "gone"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        await client.PublishAsync(new MqttApplicationMessage(topic + "/b", "kept"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        Assert.Equal([MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted], result.Items.Select(i => i.ReasonCode));
        Assert.Equal(["kept"], (await collector.WaitForAsync(1)).Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task ReceiveMaximum_OfTheServer_BoundsPublicationsInFlight()
    {
        await using var limited = await MosquittoFixture.StartAsync(new Fleet.Shared.Servers.MosquittoOptions { ExtraConfig = ["max_inflight_messages 3"] });
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(limited.Port));
        var maxPending = 0;

        var sends = Enumerable.Range(0, 200).Select(i => client.PublishAsync(new MqttApplicationMessage("window", BitConverter.GetBytes(i)) { QualityOfService = MqttQualityOfService.ExactlyOnce }).AsTask()).ToList();
        while (!sends.All(s => s.IsCompleted))
        {
            maxPending = Math.Max(maxPending, client.PendingPublications);
            await Task.WhenAny(Task.WhenAll(sends), Task.Delay(1));
        }

        Assert.All(await Task.WhenAll(sends), r => Assert.True(r.IsSuccess));
        Assert.InRange(maxPending, 1, 3);
    }

    [Fact]
    public async Task Publish_TopicWithWildcard_IsRejectedBeforeSending()
    {
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        await Assert.ThrowsAsync<ArgumentException>(async () => await client.PublishAsync(new MqttApplicationMessage("a/+")));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Handler_AcknowledgesOnlyAfterItCompletes()
    {
        var topic = Topic();
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        var options = MqttTestClients.Options(broker.Port) with { CleanStart = false, SessionExpiryInterval = 60 };
        var subscriber = new MqttClient(options)
        {
            MessageReceived = async (_, _) =>
            {
                entered.TrySetResult();
                await release.Task;
            },
        };
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        await publisher.PublishAsync(new MqttApplicationMessage(topic, "once"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The handler has not returned: no PUBACK went out, so the broker redelivers on the next connection.
        await subscriber.DisconnectAsync();
        release.SetResult();
        await subscriber.DisposeAsync();
        var collector = new MessageCollector();
        await using var again = await MqttTestClients.ConnectAsync(options, collector);

        var redelivered = (await collector.WaitForAsync(1))[0];
        Assert.Equal("once", redelivered.PayloadAsString());
        Assert.True(redelivered.Duplicate);
    }
}
