using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientTopicAliasTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Publish_RepeatedTopics_SendOnlyTheAliasWithinTheServersMaximum()
    {
        await using var server = new ScriptedMqttServer();
        await using var client = await ConnectAsync(server, new MqttConnAckPacket { TopicAliasMaximum = 2 });

        var sent = new List<(string Topic, ushort Alias, int Size)>();
        foreach (var topic in new[] { "ta/a", "ta/a", "ta/b", "ta/c", "ta/b" })
        {
            await client.PublishAsync(new MqttApplicationMessage(topic, "x"u8.ToArray()));
            var publish = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());
            sent.Add((publish.Message.Topic, publish.TopicAlias, server.LastPacketSize));
        }

        Assert.Equal(["ta/a", "ta/a", "ta/b", "ta/c", "ta/b"], sent.Select(s => s.Topic));
        Assert.Equal(new ushort[] { 1, 1, 2, 0, 2 }, sent.Select(s => s.Alias));
        // The alias alone stands for the topic: the name's 4 bytes are not sent again.
        Assert.Equal(sent[0].Size - 4, sent[1].Size);
        Assert.Equal(sent[2].Size - 4, sent[4].Size);
    }

    [Fact]
    public async Task Publish_AfterReconnect_AliasesStartAfresh()
    {
        await using var server = new ScriptedMqttServer();
        var connAck = new MqttConnAckPacket { TopicAliasMaximum = 4 };
        await using var client = await ConnectAsync(server, connAck, autoReconnect: true);
        await client.PublishAsync(new MqttApplicationMessage("ta/a", "x"u8.ToArray()));
        var before = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());

        server.Drop();
        await server.AcceptAsync(connAck);
        await MqttTestClients.WaitUntilAsync(() => client.IsConnected, "reconnected");
        await client.PublishAsync(new MqttApplicationMessage("ta/a", "x"u8.ToArray()));
        var after = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());

        Assert.Equal((ushort)1, before.TopicAlias);
        Assert.Equal(("ta/a", (ushort)1), (after.Message.Topic, after.TopicAlias));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(4, false)]
    public async Task Publish_ServerAllowsNoneOrAliasesOff_SendsTheTopicEveryTime(int serverMaximum, bool enabled)
    {
        await using var server = new ScriptedMqttServer();
        await using var client = await ConnectAsync(server, new MqttConnAckPacket { TopicAliasMaximum = serverMaximum == 0 ? null : (ushort)serverMaximum }, outgoingAliases: enabled);

        for (var i = 0; i < 2; i++)
        {
            await client.PublishAsync(new MqttApplicationMessage("ta/a", "x"u8.ToArray()));
            var publish = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());
            Assert.Equal(((ushort)0, "ta/a"), (publish.TopicAlias, publish.Message.Topic));
        }
    }

    [Fact]
    public async Task Publish_WithAliasesToMosquitto_EveryMessageArrivesOnItsTopic()
    {
        var prefix = "ta/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var subscriber = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await subscriber.SubscribeAsync(prefix + "/#", MqttQualityOfService.AtLeastOnce);
        await using var publisher = new MqttClient(MqttTestClients.Options(broker.Port));
        var connected = await publisher.ConnectAsync();

        Assert.True(connected.TopicAliasMaximum > 0, "Mosquitto offered no topic aliases; nothing would be tested");
        var expected = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            foreach (var leaf in new[] { "a", "b", "c" })
            {
                var result = await publisher.PublishAsync(new MqttApplicationMessage($"{prefix}/{leaf}", System.Text.Encoding.UTF8.GetBytes($"{leaf}{i}")) { QualityOfService = MqttQualityOfService.AtLeastOnce });
                Assert.True(result.IsSuccess, result.ReasonCode.ToString());
                expected.Add($"{prefix}/{leaf} {leaf}{i}");
            }
        }

        var received = await collector.WaitForAsync(expected.Count);
        Assert.Equal(expected, received.Select(m => $"{m.Topic} {m.PayloadAsString()}"));
    }

    private static async Task<MqttClient> ConnectAsync(ScriptedMqttServer server, MqttConnAckPacket connAck, bool autoReconnect = false, bool outgoingAliases = true)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = server.Port,
            ClientId = "alias-out",
            AutoReconnect = autoReconnect,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(100),
            OutgoingTopicAliases = outgoingAliases,
        });
        var accept = server.AcceptAsync(connAck);
        Assert.True((await client.ConnectAsync()).IsSuccess);
        await accept;
        return client;
    }
}
