using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Session;
using Fleet.Shared.Mqtt.Topics;

namespace Fleet.Shared.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Publishes <paramref name="message"/> and returns the server's verdict.</summary>
    /// <remarks>
    /// QoS 0 completes once queued for the socket. QoS 1/2 complete on PUBACK / PUBCOMP (the result
    /// carries the PUBACK/PUBREC reason code); they wait for a send slot when the server's Receive
    /// Maximum is reached, and while the client reconnects they wait in the session.
    /// <paramref name="cancellationToken"/> only cancels waiting for a send slot: once in the session
    /// a publication completes when acknowledged or when the client is disposed.
    /// </remarks>
    /// <exception cref="MqttClientNotConnectedException">Not connected and not reconnecting.</exception>
    /// <exception cref="ArgumentException">Invalid topic, or larger than the server's Maximum Packet Size.</exception>
    public ValueTask<MqttPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        if (!MqttTopic.IsValidTopicName(message.Topic))
        {
            throw new ArgumentException($"'{message.Topic}' is not a valid topic name", nameof(message));
        }

        if (message.QualityOfService > MqttQualityOfService.ExactlyOnce)
        {
            throw new ArgumentOutOfRangeException(nameof(message), message.QualityOfService, "invalid QoS");
        }

        var connection = Volatile.Read(ref _connection);
        if (connection is not null && connection.MaximumOutgoingPacketSize != uint.MaxValue
            && MqttPublishSize.Of(message, _options.ProtocolVersion) > connection.MaximumOutgoingPacketSize)
        {
            throw new ArgumentException($"the message exceeds the server's maximum packet size of {connection.MaximumOutgoingPacketSize} bytes", nameof(message));
        }

        if (message.QualityOfService == MqttQualityOfService.AtMostOnce)
        {
            if (connection is null)
            {
                throw new MqttClientNotConnectedException();
            }

            var capacity = connection.WaitForCapacityAsync(cancellationToken);
            if (!capacity.IsCompletedSuccessfully)
            {
                return PublishAfterCapacityAsync(capacity, connection, message);
            }

            if (!connection.Enqueue(MqttOutgoing.ForPublish(message, 0, false)))
            {
                throw new MqttClientNotConnectedException("the connection closed; QoS 0 messages are not kept for a reconnect");
            }

            return new ValueTask<MqttPublishResult>(default(MqttPublishResult));
        }

        lock (_gate)
        {
            if (!_wantConnection && _connection is null)
            {
                throw new MqttClientNotConnectedException();
            }
        }

        return _quota.TryAcquire() ? Register(message) : PublishAfterQuotaAsync(message, cancellationToken);
    }

    private static async ValueTask<MqttPublishResult> PublishAfterCapacityAsync(ValueTask capacity, MqttConnection connection, MqttApplicationMessage message)
    {
        await capacity.ConfigureAwait(false);
        connection.Enqueue(MqttOutgoing.ForPublish(message, 0, false));
        return default;
    }

    private async ValueTask<MqttPublishResult> PublishAfterQuotaAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        await _quota.AcquireAsync(cancellationToken).ConfigureAwait(false);
        return await Register(message).ConfigureAwait(false);
    }

    /// <summary>Puts an acquired-quota publication into the session and sends it if connected.</summary>
    private ValueTask<MqttPublishResult> Register(MqttApplicationMessage message)
    {
        MqttOutgoingPublish entry;
        lock (_gate)
        {
            if (_disposed)
            {
                _quota.Release();
                throw new ObjectDisposedException(nameof(MqttClient));
            }

            entry = _pool.TryPop(out var pooled) ? pooled : new MqttOutgoingPublish(ReturnToPool);
            entry.Initialize(message, _packetIds.Rent(), _sequence++);
            _outgoing.Add(entry.PacketId, entry);
            Volatile.Write(ref _awaitingAcknowledgement, _outgoing.Count);
            if (_connection is { } connection && connection.Enqueue(MqttOutgoing.ForPublish(message, entry.PacketId, false)))
            {
                entry.Sent = true;
            }

            // Read the task before the lock ends: an ack may complete and recycle the entry right after.
            return entry.Task;
        }
    }

    private void ReturnToPool(MqttOutgoingPublish entry)
    {
        lock (_gate)
        {
            if (_pool.Count < 1024)
            {
                _pool.Push(entry);
            }
        }
    }

    /// <summary>Removes a finished publication from the session; call under <see cref="_gate"/>.</summary>
    private void RemoveOutgoing(MqttOutgoingPublish entry)
    {
        _outgoing.Remove(entry.PacketId);
        Volatile.Write(ref _awaitingAcknowledgement, _outgoing.Count);
        _packetIds.Return(entry.PacketId);
        _quota.Release();
    }

    private void OnPublishAck(MqttConnection connection, MqttAckPacket ack)
    {
        MqttOutgoingPublish? completed = null;
        MqttPublishResult result;
        lock (_gate)
        {
            if (!_outgoing.TryGetValue(ack.PacketId, out var entry))
            {
                return;
            }

            switch (ack.Type)
            {
                case MqttPacketType.PubAck when entry.Message.QualityOfService == MqttQualityOfService.AtLeastOnce:
                    result = new MqttPublishResult((MqttPublishReasonCode)ack.ReasonCode, ack.ReasonString);
                    RemoveOutgoing(entry);
                    completed = entry;
                    break;
                case MqttPacketType.PubRec when entry.Message.QualityOfService == MqttQualityOfService.ExactlyOnce:
                    result = new MqttPublishResult((MqttPublishReasonCode)ack.ReasonCode, ack.ReasonString);
                    if (!result.IsSuccess)
                    {
                        RemoveOutgoing(entry);
                        completed = entry;
                        break;
                    }

                    entry.Released = true;
                    entry.PendingResult = result;
                    connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubRel, ack.PacketId));
                    return;
                case MqttPacketType.PubComp when entry.Released:
                    result = entry.PendingResult;
                    RemoveOutgoing(entry);
                    completed = entry;
                    break;
                default:
                    throw new Formatter.MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError,
                        $"{ack.Type} for packet {ack.PacketId} does not fit its QoS {(int)entry.Message.QualityOfService} flow");
            }

            _completions.Add((completed, result));
        }
    }

    void IMqttConnectionHandler.OnReadBatchEnd(MqttConnection connection) => FlushCompletions();

    bool IMqttConnectionHandler.AwaitsAcknowledgements => Volatile.Read(ref _awaitingAcknowledgement) > 0;

    private void FlushCompletions()
    {
        List<(MqttOutgoingPublish Entry, MqttPublishResult Result)> batch;
        lock (_gate)
        {
            if (_completions.Count == 0)
            {
                return;
            }

            batch = _completions;
            _completions = [];
        }

        // Publishers resume off the read loop, one work item per socket read rather than per message.
        ThreadPool.UnsafeQueueUserWorkItem(static b =>
        {
            foreach (var (entry, result) in b)
            {
                entry.Complete(result);
            }
        }, batch, preferLocal: false);
    }
}
