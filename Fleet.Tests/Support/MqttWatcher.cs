using System.Buffers;
using System.Collections.Concurrent;
using Fleet.Shared.Messaging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Tests.Infrastructure;

/// <summary>An MQTTnet subscriber that records what a real broker delivers, for tests to wait on.</summary>
public sealed class MqttWatcher : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<MqttApplicationMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private MqttWatcher(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Enqueue(Copy(e.ApplicationMessage));
            _arrived.Release();
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<MqttApplicationMessage> Messages => [.. _messages];

    /// <summary>Connects a clean MQTT 5 session to the broker on <paramref name="port"/> and subscribes to <paramref name="filter"/>.</summary>
    public static async Task<MqttWatcher> StartAsync(int port, string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.ExactlyOnce,
        string? userName = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var watcher = new MqttWatcher(client);
        var settings = new MqttConnectionSettings
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = "watcher-" + Guid.NewGuid().ToString("N")[..8],
            ProtocolVersion = MqttProtocolVersion.V500,
            UserName = userName,
            Password = password,
        };
        var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(settings));
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build());
        Assert.All(subscribed.Items, i => Assert.True((int)i.ResultCode < 0x80, $"subscription to {filter} refused: {i.ResultCode}"));
        return watcher;
    }

    /// <summary>Waits until <paramref name="count"/> messages arrived (30 s unless told), then returns all of them.</summary>
    public async Task<IReadOnlyList<MqttApplicationMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (_messages.Count < count)
        {
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"received {_messages.Count} of {count} messages");
            }
        }

        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client.Dispose();
        _arrived.Dispose();
    }

    /// <summary>MQTTnet may reuse the payload buffer after the handler returns.</summary>
    private static MqttApplicationMessage Copy(MqttApplicationMessage m) => new()
    {
        Topic = m.Topic,
        Payload = new ReadOnlySequence<byte>(m.Payload.ToArray()),
        QualityOfServiceLevel = m.QualityOfServiceLevel,
        Retain = m.Retain,
        ContentType = m.ContentType,
        ResponseTopic = m.ResponseTopic,
        CorrelationData = m.CorrelationData,
        MessageExpiryInterval = m.MessageExpiryInterval,
        PayloadFormatIndicator = m.PayloadFormatIndicator,
        UserProperties = m.UserProperties,
    };
}
