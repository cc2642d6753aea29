using System.Collections.Concurrent;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttConnectionLossSoakTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private const int PerFlow = 10_000;

    [Fact]
    public async Task RandomLinkCuts_WhileMessagesFlowBothWays_Qos1LosesNothingAndQos2DeliversExactlyOnce()
    {
        await using var proxy = new TcpProxy(broker.Port);
        var edgeReceived = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        var cloudReceived = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        ValueTask Record(ConcurrentDictionary<string, ConcurrentBag<int>> into, MqttApplicationMessage m)
        {
            into.GetOrAdd(m.Topic, _ => []).Add(BitConverter.ToInt32(m.Payload.Span));
            return ValueTask.CompletedTask;
        }

        await using var edge = new MqttClient(MqttTestClients.Options(proxy.Port, "soak-edge") with
        {
            CleanStart = false,
            SessionExpiryInterval = 600,
            AutoReconnect = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(5),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(50),
            KeepAlive = TimeSpan.FromSeconds(30),
        })
        { MessageReceived = (m, _) => Record(edgeReceived, m) };
        Assert.True((await edge.ConnectAsync()).IsSuccess);
        var resumed = true;
        edge.Connected += (_, e) => resumed &= e.Result.SessionPresent;
        await edge.SubscribeAsync("soak/down/#", MqttQualityOfService.ExactlyOnce);
        await using var cloud = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, "soak-cloud"));
        cloud.MessageReceived = (m, _) => Record(cloudReceived, m);
        await cloud.SubscribeAsync("soak/up/#", MqttQualityOfService.ExactlyOnce);

        using var stopChaos = new CancellationTokenSource();
        var chaos = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!stopChaos.IsCancellationRequested)
            {
                await Task.Delay(random.Next(30, 200));
                proxy.CutAll();
            }
        });

        var flows = new[]
        {
            PublishAllAsync(edge, "soak/up/1", MqttQualityOfService.AtLeastOnce),
            PublishAllAsync(edge, "soak/up/2", MqttQualityOfService.ExactlyOnce),
            PublishAllAsync(cloud, "soak/down/1", MqttQualityOfService.AtLeastOnce),
            PublishAllAsync(cloud, "soak/down/2", MqttQualityOfService.ExactlyOnce),
        };
        await Task.WhenAll(flows).WaitAsync(TimeSpan.FromSeconds(90));
        await MqttTestClients.WaitUntilAsync(
            () => Distinct(edgeReceived, "soak/down/1") == PerFlow && Distinct(edgeReceived, "soak/down/2") == PerFlow
                && Distinct(cloudReceived, "soak/up/1") == PerFlow && Distinct(cloudReceived, "soak/up/2") == PerFlow,
            "every message of every flow", TimeSpan.FromSeconds(60));
        await stopChaos.CancelAsync();
        await chaos;
        // A round trip on a settled link: any late duplicate would have arrived before the PINGRESP.
        await PingWhenSettledAsync(edge);
        await PingWhenSettledAsync(cloud);

        Assert.True(proxy.Cuts >= 5, $"only {proxy.Cuts} cuts: the soak did not exercise reconnects");
        Assert.True(resumed, "a reconnect did not resume the session");
        Assert.Equal(PerFlow, edgeReceived["soak/down/2"].Count);
        Assert.Equal(PerFlow, cloudReceived["soak/up/2"].Count);
    }

    private static async Task PingWhenSettledAsync(MqttClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await MqttTestClients.WaitUntilAsync(() => client.IsConnected, "reconnected");
                await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(10));
                return;
            }
            catch (Exception ex) when (ex is Fleet.Shared.Mqtt.Channel.MqttTransportException or MqttClientNotConnectedException or TimeoutException && DateTime.UtcNow < deadline)
            {
                // The last cut landed just now; the client is reconnecting.
            }
        }
    }

    private static int Distinct(ConcurrentDictionary<string, ConcurrentBag<int>> received, string topic) =>
        received.TryGetValue(topic, out var bag) ? bag.Distinct().Count() : 0;

    private static async Task PublishAllAsync(MqttClient client, string topic, MqttQualityOfService qos)
    {
        var sends = new Task<MqttPublishResult>[PerFlow];
        for (var i = 0; i < PerFlow; i++)
        {
            sends[i] = client.PublishAsync(new MqttApplicationMessage(topic, BitConverter.GetBytes(i)) { QualityOfService = qos }).AsTask();
        }

        foreach (var result in await Task.WhenAll(sends))
        {
            Assert.True(result.IsSuccess, $"{topic}: {result.ReasonCode}");
        }
    }
}
