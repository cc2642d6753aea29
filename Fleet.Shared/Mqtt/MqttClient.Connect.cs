using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Session;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt;

public sealed partial class MqttClient : IMqttConnectionHandler
{
    /// <summary>Connects and returns the server's CONNACK as a value (a refusal is not an exception).</summary>
    /// <exception cref="MqttTransportException">TCP or TLS failed, or the server closed before CONNACK.</exception>
    /// <exception cref="TimeoutException">No CONNACK within <see cref="MqttClientOptions.ConnectTimeout"/>.</exception>
    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (IsConnected)
        {
            throw new InvalidOperationException("already connected");
        }

        lock (_gate)
        {
            _wantConnection = true;
        }

        MqttConnectResult? result = null;
        try
        {
            result = await ConnectOnceAsync(isReconnect: false, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            if (result is not { IsSuccess: true })
            {
                lock (_gate)
                {
                    _wantConnection = false;
                }
            }
        }
    }

    /// <summary>Sends DISCONNECT with <paramref name="reasonCode"/> and closes; no automatic reconnect follows.</summary>
    public async Task DisconnectAsync(MqttDisconnectReasonCode reasonCode = MqttDisconnectReasonCode.NormalDisconnection, uint? sessionExpiryInterval = null, CancellationToken cancellationToken = default)
    {
        MqttConnection? connection;
        lock (_gate)
        {
            _wantConnection = false;
            connection = _connection;
        }

        if (connection is not null)
        {
            var packet = new MqttDisconnectPacket(reasonCode) { SessionExpiryInterval = sessionExpiryInterval };
            await connection.DisconnectAsync(packet, MqttCloseReason.ClientDisconnected, TimeSpan.FromSeconds(5)).WaitAsync(cancellationToken).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends PINGREQ and waits for PINGRESP.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        (Volatile.Read(ref _connection) ?? throw new MqttClientNotConnectedException()).PingAsync(cancellationToken);

    private async Task<MqttConnectResult> ConnectOnceAsync(bool isReconnect, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        MqttTransportLink link;
        try
        {
            link = await MqttTransport.ConnectAsync(_options.Host, _options.Port, _options.Tls, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting to {_options.Host}:{_options.Port} took longer than {_options.ConnectTimeout}");
        }

        var connAck = new TaskCompletionSource<MqttConnAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = new MqttConnection(link, _options.ProtocolVersion, _options.TopicAliasMaximum, _options.MaximumPacketSize,
            Interlocked.Increment(ref _generation), _time);
        lock (_gate)
        {
            _connecting = connection;
            _connAck = connAck;
        }

        connection.Start(this);
        connection.Enqueue(MqttOutgoing.ForPacket(CreateConnectPacket()));
        MqttConnAckPacket ack;
        try
        {
            ack = await connAck.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
            {
                throw new TimeoutException($"no CONNACK from {_options.Host}:{_options.Port} within {_options.ConnectTimeout}", ex);
            }

            throw;
        }

        var result = MqttConnectResult.From(ack);
        if (!result.IsSuccess)
        {
            MqttLog.Refused(_logger, _options.Host, _options.Port, result.ResultCode);
            await connection.DisposeAsync().ConfigureAwait(false);
            return result;
        }

        MqttLog.Connected(_logger, _options.Host, _options.Port, result.AssignedClientIdentifier ?? _options.ClientId, result.SessionPresent);
        connection.MaximumOutgoingPacketSize = result.MaximumPacketSize ?? uint.MaxValue;
        if (_options.OutgoingTopicAliases && result.TopicAliasMaximum > 0)
        {
            connection.OutgoingTopicAliases = new MqttOutgoingTopicAliases(result.TopicAliasMaximum);
        }
        List<MqttOutgoingPublish>? completedByLostSession = null;
        lock (_gate)
        {
            _connecting = null;
            _connAck = null;
            if (connection.IsClosed)
            {
                throw new MqttTransportException("the connection closed right after CONNACK");
            }

            _connection = connection;
            _quota.SetLimit(result.ReceiveMaximum);
            if (!result.SessionPresent)
            {
                _incomingQos2.Clear();
                _releasedQos2.Clear();
            }

            foreach (var entry in _outgoing.Values.OrderBy(e => e.Sequence))
            {
                if (entry.Released)
                {
                    if (result.SessionPresent)
                    {
                        connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubRel, entry.PacketId));
                    }
                    else
                    {
                        // The server received it (PUBREC) before losing the session; nothing is left to release.
                        (completedByLostSession ??= []).Add(entry);
                    }
                }
                else
                {
                    connection.Enqueue(MqttOutgoing.ForPublish(entry.Message, entry.PacketId, entry.Sent && result.SessionPresent));
                    entry.Sent = true;
                }
            }

            if (completedByLostSession is not null)
            {
                foreach (var entry in completedByLostSession)
                {
                    RemoveOutgoing(entry);
                }
            }
        }

        if (completedByLostSession is not null)
        {
            foreach (var entry in completedByLostSession)
            {
                entry.Complete(entry.PendingResult);
            }
        }

        Connected?.Invoke(this, new MqttClientConnectedEventArgs(result, isReconnect));
        connection.StartKeepAlive(result.ServerKeepAlive is { } serverKeepAlive ? TimeSpan.FromSeconds(serverKeepAlive) : _options.KeepAlive);
        if (!result.SessionPresent)
        {
            _ = ResubscribeAsync();
        }

        return result;
    }

    private MqttConnectPacket CreateConnectPacket()
    {
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        return new MqttConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion,
            ClientId = _options.ClientId,
            CleanStart = _options.CleanStart,
            KeepAliveSeconds = (ushort)_options.KeepAlive.TotalSeconds,
            UserName = _options.UserName,
            Password = _options.Password is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(_options.Password),
            Will = _options.Will,
            WillDelayInterval = _options.WillDelayInterval,
            SessionExpiryInterval = _options.SessionExpiryInterval,
            ReceiveMaximum = v5 && _options.ReceiveMaximum != ushort.MaxValue ? _options.ReceiveMaximum : null,
            MaximumPacketSize = v5 ? _options.MaximumPacketSize : null,
            TopicAliasMaximum = v5 && _options.TopicAliasMaximum > 0 ? _options.TopicAliasMaximum : null,
            UserProperties = _options.UserProperties,
        };
    }

    void IMqttConnectionHandler.OnClosed(MqttConnection connection, MqttCloseReason reason, MqttDisconnectPacket? serverDisconnect, Exception? error)
    {
        bool wasConnected;
        bool reconnect;
        List<TaskCompletionSource<MqttSubAckPacket>>? requests = null;
        lock (_gate)
        {
            wasConnected = ReferenceEquals(_connection, connection);
            if (wasConnected)
            {
                _connection = null;
                foreach (var (id, request) in _pendingRequests)
                {
                    _packetIds.Return(id);
                    (requests ??= []).Add(request);
                }

                _pendingRequests.Clear();
            }

            if (ReferenceEquals(_connecting, connection))
            {
                _connAck?.TrySetException(error as MqttTransportException
                    ?? new MqttTransportException($"the connection closed before CONNACK ({reason})", error!));
            }

            reconnect = wasConnected && _options.AutoReconnect && _wantConnection && !_disposed && reason != MqttCloseReason.ClientDisconnected;
            if (reconnect)
            {
                _reconnectTask = Task.Run(ReconnectLoopAsync);
            }
        }

        FlushCompletions();
        if (requests is not null)
        {
            foreach (var request in requests)
            {
                request.TrySetException(new MqttTransportException($"the connection ended before the server answered ({reason})"));
            }
        }

        if (wasConnected)
        {
            var code = serverDisconnect?.ReasonCode ?? (error as MqttProtocolViolationException)?.ReasonCode;
            MqttLog.Disconnected(_logger, _options.Host, _options.Port, reason, code, error);
            Disconnected?.Invoke(this, new MqttClientDisconnectedEventArgs(reason, code, serverDisconnect?.ReasonString ?? error?.Message, error, reconnect));
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var token = _lifetime.Token;
        for (var attempt = 1; !token.IsCancellationRequested; attempt++)
        {
            var delay = ReconnectDelay(attempt);
            MqttLog.Reconnecting(_logger, attempt, _options.Host, _options.Port, delay);
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!_wantConnection || _connection is not null)
                    {
                        return;
                    }
                }

                var result = await ConnectOnceAsync(isReconnect: true, token).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                MqttLog.ReconnectFailed(_logger, attempt, ex);
            }
        }
    }

    /// <summary>Exponential backoff with jitter: a random delay in [½, 1] × min(max, initial × 2^(attempt−1)).</summary>
    private TimeSpan ReconnectDelay(int attempt)
    {
        var exponential = _options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, _options.ReconnectMaximumDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }
}
