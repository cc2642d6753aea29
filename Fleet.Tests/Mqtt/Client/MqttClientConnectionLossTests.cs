using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Time;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientConnectionLossTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task KeepAlive_PeerStopsAnswering_ConnectionLostAfterOneAndAHalfKeepAlives()
    {
        await using var proxy = new TcpProxy(broker.Port);
        var time = new ManualTimeProvider();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(proxy.Port) with { KeepAlive = TimeSpan.FromSeconds(10) }, time: time);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        proxy.Frozen = true;
        var advanced = TimeSpan.Zero;
        while (!disconnected.Task.IsCompleted && advanced < TimeSpan.FromSeconds(60))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.WhenAny(disconnected.Task, Task.Delay(20));
        }

        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MqttCloseReason.KeepAliveTimeout, e.Reason);
        // PINGREQ after ¾ keep-alive of silence, declared dead 1.5 keep-alives later (plus tick granularity).
        Assert.InRange(advanced, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task KeepAlive_IdleButHealthyConnection_StaysUp()
    {
        var time = new ManualTimeProvider();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port) with { KeepAlive = TimeSpan.FromSeconds(10) }, time: time);

        for (var second = 0; second < 60; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task AutoReconnect_AfterLinkCut_ReconnectsAndResubscribes()
    {
        await using var proxy = new TcpProxy(broker.Port);
        var topic = "rc/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(proxy.Port) with
        {
            AutoReconnect = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(200),
        }, collector);
        await client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        var reconnected = new TaskCompletionSource<MqttClientConnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        client.Connected += (_, e) => reconnected.TrySetResult(e);

        proxy.CutAll();
        var lost = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var back = await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        // The re-subscribe runs right after CONNACK; publish until it is in place.
        await MqttTestClients.WaitUntilAsync(() =>
        {
            _ = publisher.PublishAsync(new MqttApplicationMessage(topic, "after"u8.ToArray()));
            return collector.Count > 0;
        }, "a message through the re-created subscription");

        Assert.Equal(MqttCloseReason.ConnectionLost, lost.Reason);
        Assert.True(lost.WillReconnect);
        Assert.True(back.IsReconnect);
        Assert.False(back.Result.SessionPresent);
    }

    [Fact]
    public async Task Disconnect_ByApplication_DoesNotReconnect()
    {
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port) with { AutoReconnect = true, ReconnectInitialDelay = TimeSpan.FromMilliseconds(10) });
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        await client.DisconnectAsync();

        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MqttCloseReason.ClientDisconnected, e.Reason);
        Assert.False(e.WillReconnect);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Will_IsPublishedOnConnectionLoss_ButNotOnNormalDisconnect()
    {
        var topic = "will/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var watcher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await watcher.SubscribeAsync(topic + "/#", MqttQualityOfService.AtLeastOnce);
        MqttApplicationMessage Will(string who) => new(topic + "/" + who, "offline"u8.ToArray())
        {
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            ContentType = "text/plain",
            UserProperties = [new("reason", "lost")],
        };

        await using (var polite = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port) with { Will = Will("polite") }))
        {
            await polite.DisconnectAsync();
        }

        await using var proxy = new TcpProxy(broker.Port);
        await using var crashing = await MqttTestClients.ConnectAsync(MqttTestClients.Options(proxy.Port) with { Will = Will("crashing") });
        proxy.CutAll();

        var will = (await collector.WaitForAsync(1))[0];
        Assert.Equal(topic + "/crashing", will.Topic);
        Assert.Equal("text/plain", will.ContentType);
        Assert.Equal([new MqttUserProperty("reason", "lost")], will.UserProperties);
        await watcher.PingAsync();
        Assert.Equal(1, collector.Count);
    }

    [Fact]
    public async Task Qos1Publish_WhileDisconnected_IsSentAfterReconnect()
    {
        await using var proxy = new TcpProxy(broker.Port);
        var topic = "pend/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var subscriber = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await subscriber.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(proxy.Port) with
        {
            AutoReconnect = true,
            CleanStart = false,
            SessionExpiryInterval = 60,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(300),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(300),
        });
        var down = new TaskCompletionSource();
        client.Disconnected += (_, _) => down.TrySetResult();

        proxy.CutAll();
        await down.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await client.PublishAsync(new MqttApplicationMessage(topic, "queued"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce }).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.IsSuccess);
        Assert.Equal("queued", (await collector.WaitForAsync(1))[0].PayloadAsString());
    }
}
