using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttRequestResponseTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Request_ResponderRepliesOnResponseTopic_CompletesWithTheMatchingReply()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        await using var responder = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        responder.MessageReceived = async (request, ct) =>
        {
            var reply = MqttRequester.CreateResponse(request, System.Text.Encoding.UTF8.GetBytes("echo:" + request.PayloadAsString()));
            await responder.PublishAsync(reply, ct);
        };
        await responder.SubscribeAsync($"svc/{id}/echo", MqttQualityOfService.AtLeastOnce);
        var appMessages = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), appMessages);
        await using var requester = await MqttRequester.CreateAsync(client, $"svc/{id}/replies/{Guid.NewGuid():N}");

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            requester.RequestAsync(new MqttApplicationMessage($"svc/{id}/echo", System.Text.Encoding.UTF8.GetBytes("r" + i)) { QualityOfService = MqttQualityOfService.AtLeastOnce },
                TimeSpan.FromSeconds(30))));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => "echo:r" + i), replies.Select(r => r.PayloadAsString()));
        Assert.Equal(0, appMessages.Count);
    }

    [Fact]
    public async Task Request_NobodyAnswers_TimesOut()
    {
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        await using var requester = await MqttRequester.CreateAsync(client, "svc/replies/" + Guid.NewGuid().ToString("N"));

        await Assert.ThrowsAsync<TimeoutException>(() => requester.RequestAsync(new MqttApplicationMessage("svc/nobody"), TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task MessageReader_DeliversInOrderThroughAChannel()
    {
        var topic = "reader/" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));
        var reader = client.CreateMessageReader(capacity: 4);
        await client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);

        for (var i = 0; i < 20; i++)
        {
            await client.PublishAsync(new MqttApplicationMessage(topic, BitConverter.GetBytes(i)) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<int>();
        while (received.Count < 20)
        {
            received.Add(BitConverter.ToInt32((await reader.ReadAsync(timeout.Token)).Payload.Span));
        }

        Assert.Equal(Enumerable.Range(0, 20), received);
    }
}
