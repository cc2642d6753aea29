using System.Globalization;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Ingress;

/// <summary>
/// One owned shard's persistent MQTT session (<c>fleet-gw-shard-{k}</c>, clean start false, session expiry)
/// subscribed to <c>fleet/v1/s/{k}/#</c>. Whichever node holds the session owns the shard's backlog, which is
/// what shard hand-off moves. Messages go to the twins through the shard region.
/// </summary>
/// <remarks>
/// <para>At-least-once boundary: a QoS 1 message is acknowledged only after the twin stored it (the client
/// acknowledges when this handler returns). When the twin reports that the write failed (after its own
/// retries), or does not finish within <see cref="DurabilityPolicy.AcknowledgeTimeout"/>, the message must not
/// be acknowledged: the session closes its connection before the handler returns, so neither that message nor
/// anything received after it is acknowledged, and reopens the persistent session after a backoff. The broker
/// then redelivers the unacknowledged messages in their original order (MQTT redelivers only on a new
/// connection), so a shard never stores a later message in place of an earlier lost one.</para>
/// <para>Each reopening uses a fresh client: what the old one still had queued is dropped unhandled (QoS 0
/// telemetry is lost, as QoS 0 may be; QoS 1 comes again).</para>
/// </remarks>
internal sealed class ShardSession : IAsyncDisposable
{
    /// <summary>How long the broker keeps the session (and queues the shard's QoS 1 messages) while no node holds it.</summary>
    public const uint SessionExpirySeconds = 7 * 24 * 3600;

    private readonly int _shard;
    private readonly int _shardCount;
    private readonly Broker.EmbeddedBroker _broker;
    private readonly IActorRef _region;
    private readonly TwinCounters _counters;
    private readonly DurabilityPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private MqttClient _client;
    private MqttClient? _accepting;
    private Task _reopening = Task.CompletedTask;
    private int _failures;
    private long _nextAckId;
    private int _retirements;

    public ShardSession(int shard, int shardCount, Broker.EmbeddedBroker broker, IActorRef region, TwinCounters counters, DurabilityPolicy policy, TimeProvider time, ILogger logger)
    {
        _shard = shard;
        _shardCount = shardCount;
        _broker = broker;
        _region = region;
        _counters = counters;
        _policy = policy;
        _time = time;
        _logger = logger;
        _client = CreateClient();
        _accepting = _client;
    }

    public int Shard => _shard;

    public bool IsConnected => Volatile.Read(ref _client).IsConnected;

    public static string ClientIdFor(int shard) => string.Create(CultureInfo.InvariantCulture, $"fleet-gw-shard-{shard}");

    public Task StartAsync(CancellationToken cancellationToken) => ConnectAsync(_client, cancellationToken);

    private MqttClient CreateClient()
    {
        MqttClient? client = null;
        client = new MqttClient(
            new MqttClientOptions
            {
                Host = _broker.Host,
                Port = _broker.Port,
                UserName = _broker.UserName,
                Password = _broker.Password,
                ClientId = ClientIdFor(_shard),
                CleanStart = false,
                SessionExpiryInterval = SessionExpirySeconds,
                AutoReconnect = true,
                KeepAlive = TimeSpan.FromSeconds(30),
            },
            _logger);
        client.MessageReceived = (message, cancellationToken) => OnMessageAsync(client, message, cancellationToken);
        return client;
    }

    private async Task ConnectAsync(MqttClient client, CancellationToken cancellationToken)
    {
        var connected = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (!connected.IsSuccess)
        {
            throw new InvalidOperationException($"shard {_shard}: the broker refused the session: {connected.ResultCode}");
        }

        // A new session gets the retained reports and statuses (how a fresh gateway learns the fleet); an
        // existing one keeps its subscription and its queued messages, and retained copies are not resent.
        var subscribed = await client.SubscribeAsync(
            [new MqttTopicSubscription(Topics.ShardSubscription(_shard), MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.SendAtSubscribeIfNew)],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!subscribed.IsSuccess)
        {
            throw new InvalidOperationException($"shard {_shard}: subscribing to {Topics.ShardSubscription(_shard)} failed: {subscribed.Items[0].ReasonCode}");
        }
    }

    private async ValueTask OnMessageAsync(MqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(client, Volatile.Read(ref _accepting)))
        {
            // A retired client draining its queue: its connection is closed, so nothing is acknowledged and
            // the broker sends the QoS 1 messages again on the reopened session.
            return;
        }

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
            _region.Tell(new DeviceMessage(address.DeviceId, _shard, address.Kind, message.Payload, null), ActorRefs.NoSender);
            return;
        }

        var ackId = Interlocked.Increment(ref _nextAckId);
        try
        {
            await _region.AskAsync<Persisted>(new DeviceMessage(address.DeviceId, _shard, address.Kind, message.Payload, ackId), _policy.AcknowledgeTimeout, _time, cancellationToken).ConfigureAwait(false);
            _failures = 0;
            return;
        }
        catch (TimeoutException)
        {
            GatewayLog.PersistTimedOut(_logger, address.DeviceId, message.Topic, _policy.AcknowledgeTimeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message stays unacknowledged and comes again to whoever holds the session next.
            return;
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            GatewayLog.PersistFailed(_logger, address.DeviceId, message.Topic, ex);
        }

        _counters.Unacknowledged.Increment();
        await RetireAsync(client).ConfigureAwait(false);
    }

    /// <summary>Closes <paramref name="client"/>'s connection before its handler returns (so no PUBACK goes out) and reopens the session later.</summary>
    private async Task RetireAsync(MqttClient client)
    {
        Volatile.Write(ref _accepting, null);
        var retirement = Interlocked.Increment(ref _retirements);
        var delay = _policy.RedeliveryDelayAfter(++_failures);
        GatewayLog.SessionReopening(_logger, _shard, delay);
        try
        {
            await client.DisconnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // The connection is gone either way; an unsent DISCONNECT changes nothing the broker keeps.
            GatewayLog.SessionReopenFailed(_logger, _shard, ex);
        }

        _reopening = ReopenAsync(client, delay, retirement, _stopping.Token);
    }

    /// <remarks>
    /// A client can be retired while this is still subscribing with it (redelivered messages arrive right after
    /// CONNACK); the newer reopening then owns the session and this one steps aside.
    /// </remarks>
    private async Task ReopenAsync(MqttClient retired, TimeSpan delay, int retirement, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            await retired.DisposeAsync().ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                var next = CreateClient();
                Volatile.Write(ref _client, next);
                Volatile.Write(ref _accepting, next);
                try
                {
                    await ConnectAsync(next, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
                {
                    if (Volatile.Read(ref _retirements) != retirement)
                    {
                        return;
                    }

                    GatewayLog.SessionReopenFailed(_logger, _shard, ex);
                    Volatile.Write(ref _accepting, null);
                    await next.DisposeAsync().ConfigureAwait(false);
                    await Task.Delay(_policy.RedeliveryDelayAfter(attempt), _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway is stopping; the broker keeps the session. (Disposing twice is a no-op.)
            await retired.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reopening.ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            GatewayLog.SessionReopenFailed(_logger, _shard, ex);
        }

        await Volatile.Read(ref _client).DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
