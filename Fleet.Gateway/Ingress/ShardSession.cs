using System.Globalization;
using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Ingress;

/// <summary>
/// One owned shard's persistent MQTT session (<c>fleet-gw-shard-{k}</c>, clean start false, session expiry)
/// subscribed to <c>fleet/v1/s/{k}/#</c>. Whichever node holds the session owns the shard's backlog, which is
/// what shard hand-off moves. Messages go to the twins through the shard region.
/// </summary>
/// <remarks>
/// At-least-once boundary: a QoS 1 message is acknowledged only after the twin's store write completed
/// (the client acknowledges when this handler returns). If the write fails or the twin does not finish
/// within <see cref="PersistTimeout"/>, the failure is logged and the message is still acknowledged (the
/// client acknowledges whatever the handler's outcome); retained reports and statuses are re-read when a
/// session is new, and heal events are idempotent per (device, event id) for the redelivery that a crash
/// between write and acknowledgement causes.
/// </remarks>
internal sealed class ShardSession : IAsyncDisposable
{
    public static readonly TimeSpan PersistTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the broker keeps the session (and queues the shard's QoS 1 messages) while no node holds it.</summary>
    public const uint SessionExpirySeconds = 7 * 24 * 3600;

    private readonly int _shard;
    private readonly int _shardCount;
    private readonly IActorRef _region;
    private readonly TwinCounters _counters;
    private readonly ILogger _logger;
    private readonly MqttClient _client;

    public ShardSession(int shard, int shardCount, Broker.EmbeddedBroker broker, IActorRef region, TwinCounters counters, ILogger logger)
    {
        _shard = shard;
        _shardCount = shardCount;
        _region = region;
        _counters = counters;
        _logger = logger;
        _client = new MqttClient(
            new MqttClientOptions
            {
                Host = broker.Host,
                Port = broker.Port,
                UserName = broker.UserName,
                Password = broker.Password,
                ClientId = ClientIdFor(shard),
                CleanStart = false,
                SessionExpiryInterval = SessionExpirySeconds,
                AutoReconnect = true,
                KeepAlive = TimeSpan.FromSeconds(30),
            },
            logger);
        _client.MessageReceived = OnMessageAsync;
    }

    public int Shard => _shard;

    public bool IsConnected => _client.IsConnected;

    public static string ClientIdFor(int shard) => string.Create(CultureInfo.InvariantCulture, $"fleet-gw-shard-{shard}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connected = await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (!connected.IsSuccess)
        {
            throw new InvalidOperationException($"shard {_shard}: the broker refused the session: {connected.ResultCode}");
        }

        // A new session gets the retained reports and statuses (how a fresh gateway learns the fleet); an
        // existing one keeps its subscription and its queued messages, and retained copies are not resent.
        var subscribed = await _client.SubscribeAsync(
            [new MqttTopicSubscription(Topics.ShardSubscription(_shard), MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.SendAtSubscribeIfNew)],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!subscribed.IsSuccess)
        {
            throw new InvalidOperationException($"shard {_shard}: subscribing to {Topics.ShardSubscription(_shard)} failed: {subscribed.Items[0].ReasonCode}");
        }
    }

    private async ValueTask OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var parsed = Topics.Parse(message.Topic, _shardCount);
        if (!parsed.IsSuccess || !parsed.Value.IsFromDevice || parsed.Value.Shard != _shard)
        {
            _counters.Rejected.Increment();
            GatewayLog.TopicRejected(_logger, message.Topic, parsed.Error?.Message ?? "not this shard's device topic");
            return;
        }

        var address = parsed.Value;
        if (message.QualityOfService == MqttQualityOfService.AtMostOnce)
        {
            _region.Tell(new DeviceMessage(address.DeviceId, _shard, address.Kind, message.Payload, null));
            return;
        }

        var persisted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _region.Tell(new DeviceMessage(address.DeviceId, _shard, address.Kind, message.Payload, persisted));
        try
        {
            await persisted.Task.WaitAsync(PersistTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            GatewayLog.PersistTimedOut(_logger, address.DeviceId, message.Topic);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
        {
            GatewayLog.PersistFailed(_logger, address.DeviceId, message.Topic, ex);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
