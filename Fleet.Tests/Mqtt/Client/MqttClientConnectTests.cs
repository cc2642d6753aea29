using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientConnectTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Connect_ToMosquitto_ReturnsSuccessWithoutSession(MqttProtocolVersion version)
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port, version: version));

        var result = await client.ConnectAsync();

        Assert.Equal(MqttConnectReasonCode.Success, result.ResultCode);
        Assert.False(result.SessionPresent);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Connect_EmptyClientIdOnV5_ReturnsAssignedClientIdentifier()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port) with { ClientId = "" });

        var result = await client.ConnectAsync();

        Assert.True(result.IsSuccess);
        Assert.False(string.IsNullOrEmpty(result.AssignedClientIdentifier));
    }

    [Fact]
    public async Task Connect_ResumedSession_ReportsSessionPresentAndDeliversWhatWasQueuedOffline()
    {
        var id = "resume-" + Guid.NewGuid().ToString("N")[..8];
        var options = MqttTestClients.Options(broker.Port, id) with { CleanStart = false, SessionExpiryInterval = 300 };
        await using (var first = await MqttTestClients.ConnectAsync(options with { CleanStart = true }))
        {
            Assert.True((await first.SubscribeAsync("resume/" + id, MqttQualityOfService.ExactlyOnce)).IsSuccess);
            await first.DisconnectAsync();
        }

        await using (var publisher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port)))
        {
            await publisher.PublishAsync(new MqttApplicationMessage("resume/" + id, "offline"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        }

        var collector = new MessageCollector();
        await using var second = new MqttClient(options) { MessageReceived = collector.Handle };
        var result = await second.ConnectAsync();

        Assert.True(result.SessionPresent);
        Assert.Equal("offline", (await collector.WaitForAsync(1))[0].PayloadAsString());
    }

    [Fact]
    public async Task Connect_NothingListening_ThrowsTransportException()
    {
        await using var client = new MqttClient(MqttTestClients.Options(Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort()));

        await Assert.ThrowsAsync<MqttTransportException>(() => client.ConnectAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task SameClientIdConnectsTwice_FirstConnectionEnds()
    {
        var options = MqttTestClients.Options(broker.Port);
        await using var first = await MqttTestClients.ConnectAsync(options);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        first.Disconnected += (_, e) => disconnected.TrySetResult(e);

        await using var second = await MqttTestClients.ConnectAsync(options);
        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Mosquitto 2.0.11 closes the old socket without a DISCONNECT 0x8E.
        Assert.Contains(e.Reason, new[] { MqttCloseReason.ServerDisconnected, MqttCloseReason.ConnectionLost });
        Assert.False(first.IsConnected);
        Assert.True(second.IsConnected);
    }

    [Fact]
    public async Task Publish_QoSAboveServerMaximum_SurfacesServerDisconnectWithReasonCode()
    {
        await using var limited = await MosquittoFixture.StartAsync(new Fleet.Shared.Servers.MosquittoOptions { ExtraConfig = ["max_qos 1"] });
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(limited.Port));
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        _ = client.PublishAsync(new MqttApplicationMessage("q", "x"u8.ToArray()) { QualityOfService = MqttQualityOfService.ExactlyOnce }).AsTask();
        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(e.Reason == MqttCloseReason.ServerDisconnected, $"{e.Reason} {e.Exception}");
        Assert.Equal(MqttDisconnectReasonCode.QoSNotSupported, e.ReasonCode);
    }

    [Fact]
    public async Task BrokerShutdown_SurfacesDisconnect()
    {
        var limited = await MosquittoFixture.StartAsync(new Fleet.Shared.Servers.MosquittoOptions());
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(limited.Port));
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        await limited.DisposeAsync();
        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(e.Reason, new[] { MqttCloseReason.ServerDisconnected, MqttCloseReason.ConnectionLost });
        Assert.False(e.WillReconnect);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Ping_WhenConnected_GetsPingResponse()
    {
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Publish_WhenNeverConnected_ThrowsNotConnected()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port));

        await Assert.ThrowsAsync<MqttClientNotConnectedException>(async () => await client.PublishAsync(new MqttApplicationMessage("a") { QualityOfService = MqttQualityOfService.AtLeastOnce }));
    }
}
