using System.Buffers;
using System.Collections.Concurrent;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Device.Uplink;

/// <summary>
/// The gateway's side of a device's events, as a test sees it: a persistent MQTTnet session on
/// <c>…/{id}/events</c> that reconnects (fresh client each time) while the broker is down, decodes every
/// event and deduplicates by (epoch, seq) as the gateway does. Waits are on arrivals, not on a clock tick.
/// </summary>
internal sealed class EventSubscriber : IAsyncDisposable
{
    private readonly MqttConnectionSettings _settings;
    private readonly string _filter;
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(long? Epoch, long Seq), byte> _seen = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IMqttClient? _client;
    private Task _loop = Task.CompletedTask;
    private long _deliveries;

    private EventSubscriber(MqttConnectionSettings settings, string filter)
    {
        _settings = settings;
        _filter = filter;
    }

    /// <summary>Distinct events in arrival order.</summary>
    public ConcurrentQueue<DeviceEvent> Events { get; } = new();

    /// <summary>Every delivery, duplicates included.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long Duplicates => Deliveries - Events.Count;

    public static async Task<EventSubscriber> StartAsync(string host, int port, string deviceId)
    {
        var subscriber = new EventSubscriber(
            new MqttConnectionSettings { Host = host, Port = port, ClientId = "gw-" + deviceId, CleanStart = false, SessionExpiryInterval = 600, Timeout = TimeSpan.FromSeconds(2) },
            Topics.FromDevice(deviceId, TopicKind.Events));
        subscriber._loop = Task.Run(subscriber.RunAsync);
        await subscriber._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return subscriber;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after every arrival.</summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan patience, string what)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (!condition())
        {
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for {what} ({Events.Count} distinct events, {Deliveries} deliveries)");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_client is { IsConnected: true } client)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client?.Dispose();
        _stop.Dispose();
        _arrived.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_client is not { IsConnected: true })
            {
                _client?.Dispose();
                _client = new MqttClientFactory().CreateMqttClient();
                _client.ApplicationMessageReceivedAsync += OnMessage;
                try
                {
                    var connected = await _client.ConnectAsync(MqttClientOptionsFactory.Create(_settings), _stop.Token);
                    if (connected.ResultCode == MqttClientConnectResultCode.Success)
                    {
                        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), _stop.Token);
                        _subscribed.TrySetResult();
                    }
                }
                catch (Exception ex) when (MqttFailure.Classify(ex) != MqttFailureKind.None && !_stop.IsCancellationRequested)
                {
                    // The broker is down: try again.
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        var decoded = WireCodec.DecodeEvent(e.ApplicationMessage.Payload.ToArray());
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        Interlocked.Increment(ref _deliveries);
        if (_seen.TryAdd((decoded.Value!.Epoch, decoded.Value.Seq), 0))
        {
            Events.Enqueue(decoded.Value);
        }

        _arrived.Release();
        return Task.CompletedTask;
    }
}
