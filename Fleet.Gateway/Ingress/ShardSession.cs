using System.Buffers;
using System.Globalization;
using Fleet.Gateway.Rejections;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Rejections;
using Fleet.Gateway.Twins;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Gateway.Ingress;

/// <summary>
/// One shard's persistent MQTT session (<c>fleet-gw-shard-{k}</c>, clean start off, 7-day session expiry)
/// subscribed to <c>fleet/v1/s/{k}/#</c>. Whoever holds the session owns the shard's backlog in the broker.
/// Messages go to the twins through <see cref="ITwinDelivery"/>.
/// </summary>
/// <remarks>
/// <para>At-least-once boundary: a QoS 1 message is acknowledged only after the twin stored it. MQTTnet runs
/// the handler of one connection sequentially and sends the PUBACK when it returns, so the handler awaits the
/// twin (at most <see cref="DurabilityPolicy.AcknowledgeTimeout"/>). When the twin could not store it, the
/// handler sets <c>ProcessingFailed</c> (no PUBACK), retires the connection (every later message on it is
/// left unacknowledged too) and starts closing it without awaiting the close: MQTTnet's disconnect waits for
/// the very handler that would be awaiting it. After the durability backoff a fresh client resumes the
/// session and the broker redelivers, in order, everything unacknowledged.</para>
/// <para>Poison messages: only a failure that may pass holds the shard (the store unreachable or busy, the twin not
/// answering in time). A message the store refuses for good, or one that failed the twin twice in a row, is
/// acknowledged and recorded in the rejected-messages log, so one device's bad message delays its shard by at most
/// one redelivery. Bad topics and payloads the protocol forbids are acknowledged and recorded at once.</para>
/// <para>One client instance per connection: an acknowledgement can only ever go out on the connection the
/// message came on (MQTTnet writes a PUBACK to its current connection, so a reused client could acknowledge
/// a different message that took the same packet id after a reconnect).</para>
/// </remarks>
internal sealed partial class ShardSession : IAsyncDisposable
{
    /// <summary>How long the broker keeps the session (and queues the shard's QoS 1 messages) while no node holds it.</summary>
    public const uint SessionExpirySeconds = 7 * 24 * 3600;

    /// <summary>Receive Maximum advertised to the broker: at most this many unacknowledged QoS 1 messages in flight to the session, which bounds MQTTnet's receive queue.</summary>
    public const ushort ReceiveMaximum = 1000;

    private readonly int _shard;
    private readonly int _shardCount;
    private readonly MqttConnectionSettings _settings;
    private readonly ITwinDelivery _twins;
    private readonly RejectionRecorder _rejections;
    private readonly TwinCounters _counters;
    private readonly DurabilityPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<bool> _mayConnect;
    private readonly MqttClientFactory _factory = new();
    private readonly CancellationTokenSource _stopping = new();
    private Connection? _current;
    private Task _running = Task.CompletedTask;
    private int _failures;
    private long _nextAckId;
    private ShardHold? _hold;
    private Suspect? _suspect;

    /// <param name="mayConnect">
    /// Asked before every reconnection: false while this process may no longer be the session's one holder (its cluster
    /// node cannot see every other node, so it may have been declared dead and the shard started elsewhere). The session
    /// then waits instead of taking the session back from the node that now holds it.
    /// </param>
    public ShardSession(int shard, int shardCount, MqttConnectionSettings broker, ITwinDelivery twins, RejectionRecorder rejections, TwinCounters counters, DurabilityPolicy policy, TimeProvider time, ILogger logger, Func<bool>? mayConnect = null)
    {
        _mayConnect = mayConnect ?? (static () => true);
        ArgumentNullException.ThrowIfNull(broker);
        _shard = shard;
        _shardCount = shardCount;
        _settings = broker with
        {
            ClientId = ClientIdFor(shard),
            CleanStart = false,
            SessionExpiryInterval = SessionExpirySeconds,
            KeepAlive = TimeSpan.FromSeconds(30),
            ReceiveMaximum = ReceiveMaximum,
            ProtocolVersion = MQTTnet.Formatter.MqttProtocolVersion.V500,
        };
        _twins = twins;
        _rejections = rejections;
        _counters = counters;
        _policy = policy;
        _time = time;
        _logger = logger;
    }

    public int Shard => _shard;

    /// <summary>Connected and accepting messages.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsRetired: false } connection && connection.Client.IsConnected;

    /// <summary>Why the shard's messages are held (not acknowledged, redelivered with backoff), or null when they flow.</summary>
    public ShardHold? Hold => Volatile.Read(ref _hold);

    /// <summary>False once another holder of <see cref="ClientIdFor"/> took the session over and this one stepped aside.</summary>
    public bool IsOwner { get; private set; } = true;

    /// <summary>Raised (on an MQTTnet or pool thread) each time a connection of the session is open and subscribed.</summary>
    public event Action<ShardSession>? Connected;

    public static string ClientIdFor(int shard) => string.Create(CultureInfo.InvariantCulture, $"fleet-gw-shard-{shard}");

    /// <summary>Opens the session (failing when the broker refuses it), then keeps it open until disposed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var first = await OpenAsync(linked.Token).ConfigureAwait(false);
        _running = KeepOpenAsync(first, _stopping.Token);
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var client = _factory.CreateMqttClient();
        var connection = new Connection(client);
        // Attached before CONNECT: a resumed session's messages arrive right after CONNACK.
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(connection, e);
        client.DisconnectedAsync += e =>
        {
            connection.End(e.Reason);
            return Task.CompletedTask;
        };
        try
        {
            var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(_settings), cancellationToken).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"shard {_shard}: the broker refused the session: {connected.ResultCode}");
            }
        }
        catch
        {
            connection.Retire();
            client.Dispose();
            throw;
        }

        Volatile.Write(ref _current, connection);
        try
        {
            // A new session gets the retained reports and statuses (how a fresh gateway learns the fleet); an
            // existing one keeps its subscription and queued messages, and retained copies are not sent again.
            var subscription = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Topics.ShardSubscription(_shard))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly))
                .Build();
            var subscribed = await client.SubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
            var granted = subscribed.Items.First().ResultCode;
            if ((int)granted >= 0x80)
            {
                throw new InvalidOperationException($"shard {_shard}: subscribing to {Topics.ShardSubscription(_shard)} failed: {granted}");
            }
        }
        catch (Exception ex) when (connection.IsRetired && !ex.IsFatal())
        {
            // A resumed message was already left unacknowledged on this connection, which is closing: the
            // session is there, and the connection's end reopens it like any retirement.
        }
        catch
        {
            connection.Retire();
            Volatile.Write(ref _current, null);
            await CloseAsync(client).ConfigureAwait(false);
            client.Dispose();
            throw;
        }

        Connected?.Invoke(this);
        return connection;
    }

    /// <summary>Waits for each connection to end, then opens a fresh one after a backoff, until stopped or taken over.</summary>
    /// <remarks>
    /// A broker that announces a takeover (DISCONNECT 0x8E, MQTT 5 §3.14.2.1) makes this session step aside. Mosquitto
    /// 2.0.11 closes the taken-over connection without it (MQTTnet then reports a normal disconnection), which looks
    /// like any broker-side close; the session then reconnects, and so that two holders of one shard cannot take
    /// the session from each other every second, the backoff keeps growing until a connection has lasted
    /// <see cref="DurabilityPolicy.MaxRedeliveryDelay"/>.
    /// </remarks>
    private async Task KeepOpenAsync(Connection connection, CancellationToken cancellationToken)
    {
        try
        {
            var attempt = 0;
            var opened = _time.GetTimestamp();
            while (true)
            {
                var reason = await connection.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (_time.GetElapsedTime(opened) >= _policy.MaxRedeliveryDelay)
                {
                    attempt = 0;
                }

                connection.Client.Dispose();
                if (reason == MqttClientDisconnectReason.SessionTakenOver)
                {
                    IsOwner = false;
                    Volatile.Write(ref _current, null);
                    GatewayLog.SessionTakenOver(_logger, _shard);
                    return;
                }

                var delay = connection.IsRetired
                    ? _policy.RedeliveryDelayAfter(Math.Max(1, Volatile.Read(ref _failures)))
                    : _policy.RedeliveryDelayAfter(++attempt);
                if (connection.IsRetired)
                {
                    GatewayLog.SessionReopening(_logger, _shard, delay);
                }
                else
                {
                    GatewayLog.SessionLost(_logger, _shard, reason.ToString(), delay);
                }

                var fenced = false;
                while (true)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    if (!_mayConnect())
                    {
                        // Possibly declared dead by the rest of the cluster: the shard's session may be another node's now.
                        if (!fenced)
                        {
                            GatewayLog.SessionFenced(_logger, _shard);
                            fenced = true;
                        }

                        delay = _policy.RedeliveryDelay;
                        continue;
                    }

                    try
                    {
                        connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                        opened = _time.GetTimestamp();
                        break;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
                    {
                        GatewayLog.SessionReopenFailed(_logger, _shard, ex);
                        delay = _policy.RedeliveryDelayAfter(++attempt);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: DisposeAsync closes whatever connection is current.
        }
    }

    private async Task OnMessageAsync(Connection connection, MqttApplicationMessageReceivedEventArgs e)
    {
        if (connection.IsRetired || _stopping.IsCancellationRequested)
        {
            // Behind a message that was not stored, or the session is closing: left unacknowledged, it comes again
            // after the one before it. It must not reach its twin first: a twin takes a later (epoch, seq) as proof
            // that everything before it was seen, and would acknowledge the redelivered earlier one as a duplicate.
            connection.Retire();
            e.ProcessingFailed = true;
            return;
        }

        var message = e.ApplicationMessage;
        var topic = message.Topic;
        // Copied: MQTTnet reuses the payload's buffers once the handler returns.
        var payload = message.Payload.ToArray();
        var parsed = Topics.Parse(topic, _shardCount);
        if (!parsed.IsSuccess || !parsed.Value.IsFromDevice || parsed.Value.Shard != _shard)
        {
            var why = parsed.Error?.Message ?? "not this shard's device topic";
            _counters.Rejected.Increment();
            GatewayLog.TopicRejected(_logger, topic, why);
            _rejections.Record(new NewRejection(parsed.IsSuccess ? parsed.Value.DeviceId : null, topic, parsed.IsSuccess ? RejectionRecorder.KindName(parsed.Value.Kind) : "unknown", RejectionCauses.Topic, why, payload));
            return;
        }

        var address = parsed.Value;
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            _twins.Post(new DeviceMessage(address.DeviceId, _shard, address.Kind, payload, null));
            return;
        }

        var cancellationToken = _stopping.Token;
        var device = new DeviceMessage(address.DeviceId, _shard, address.Kind, payload, Interlocked.Increment(ref _nextAckId));
        try
        {
            await _twins.PersistAsync(device, cancellationToken).WaitAsync(_policy.AcknowledgeTimeout, _time, cancellationToken).ConfigureAwait(false);
            Stored();
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: unacknowledged, the message comes again to whoever holds the session next; nothing after it on
            // this connection may reach a twin before it does.
            connection.Retire();
            e.ProcessingFailed = true;
            return;
        }
        catch (TimeoutException)
        {
            GatewayLog.PersistTimedOut(_logger, address.DeviceId, topic, _policy.AcknowledgeTimeout);
            Retire(connection, e, $"{address.DeviceId}: {address.Kind} not stored within {_policy.AcknowledgeTimeout}");
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            if (Poisoned(address, topic, payload, ex) is { } cause)
            {
                _rejections.Record(new NewRejection(address.DeviceId, topic, RejectionRecorder.KindName(address.Kind), cause, ex.Message, payload));
                Stored();
                return;
            }

            GatewayLog.PersistFailed(_logger, address.DeviceId, topic, ex);
            Retire(connection, e, $"{address.DeviceId}: {address.Kind} not stored: {ex.Message}");
        }
    }

    private void Stored()
    {
        Volatile.Write(ref _failures, 0);
        Volatile.Write(ref _hold, null);
        Volatile.Write(ref _suspect, null);
    }

    /// <summary>Leaves the message (and every later one on this connection) unacknowledged and closes the connection.</summary>
    private void Retire(Connection connection, MqttApplicationMessageReceivedEventArgs e, string reason)
    {
        e.ProcessingFailed = true;
        _counters.Unacknowledged.Increment();
        var failures = Interlocked.Increment(ref _failures);
        var held = Volatile.Read(ref _hold);
        Volatile.Write(ref _hold, new ShardHold(_shard, held?.Since ?? _time.GetUtcNow(), reason, failures));
        connection.Retire();
        // Not awaited: the disconnect waits for this handler to return.
        _ = CloseAsync(connection.Client);
    }

    private async Task CloseAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // The connection is gone either way; an unsent DISCONNECT changes nothing the broker keeps.
            GatewayLog.SessionReopenFailed(_logger, _shard, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Retired first: from here on no message of this connection is handed to a twin (see OnMessageAsync).
        Volatile.Read(ref _current)?.Retire();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            GatewayLog.SessionReopenFailed(_logger, _shard, ex);
        }

        if (Interlocked.Exchange(ref _current, null) is { } connection)
        {
            connection.Retire();
            if (connection.Client.IsConnected)
            {
                // A clean DISCONNECT keeps the session (expiry 7 d): the broker queues for the next holder.
                await CloseAsync(connection.Client).ConfigureAwait(false);
            }

            connection.Client.Dispose();
        }

        _stopping.Dispose();
    }
}
