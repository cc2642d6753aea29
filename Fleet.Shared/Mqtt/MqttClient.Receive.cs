using System.Runtime.InteropServices;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Session;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt;

public sealed partial class MqttClient
{
    void IMqttConnectionHandler.OnPacket(MqttConnection connection, MqttPacket packet)
    {
        // A closed connection's read loop may still be draining its buffer while the next connection
        // runs. Its packets are dropped: the server resends whatever they carried on the resumed
        // session. Acting on them interleaves two connections' QoS 2 flows for one packet id: a stale
        // PUBLISH handled after the new connection had already taken that id through PUBREL looks like
        // a new message and is delivered twice (the soak showed hundreds of duplicates per run without
        // this check).
        if (connection.IsClosed)
        {
            return;
        }

        switch (packet)
        {
            case MqttPublishPacket publish:
                OnPublish(connection, publish);
                break;
            case MqttAckPacket { Type: MqttPacketType.PubRel } release:
                OnPubRel(connection, release);
                break;
            case MqttAckPacket ack:
                OnPublishAck(connection, ack);
                break;
            case MqttConnAckPacket connAck:
                lock (_gate)
                {
                    if (!ReferenceEquals(_connecting, connection) || _connAck is null || !_connAck.TrySetResult(connAck))
                    {
                        throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "unexpected CONNACK");
                    }
                }

                break;
            case MqttSubAckPacket subAck:
                TaskCompletionSource<MqttSubAckPacket>? request;
                lock (_gate)
                {
                    if (_pendingRequests.Remove(subAck.PacketId, out request))
                    {
                        _packetIds.Return(subAck.PacketId);
                    }
                }

                request?.TrySetResult(subAck);
                break;
            default:
                throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"a server must not send {packet.Type}");
        }
    }

    private void OnPublish(MqttConnection connection, MqttPublishPacket publish)
    {
        var message = publish.Message;
        if (message.QualityOfService == MqttQualityOfService.ExactlyOnce)
        {
            lock (_gate)
            {
                if (connection.IsClosed)
                {
                    return;
                }

                // MQTT 5 §4.3.3: the id stays registered from PUBLISH to PUBREL, and a PUBLISH with a
                // registered id is the same message whatever its DUP flag. After PUBREL the id is free
                // again, so by the letter of the protocol a PUBLISH reusing it is a new message.
                var contentHash = ContentHash(message);
                if (!_incomingQos2.ContainsKey(publish.PacketId) && publish.Duplicate
                    && _releasedQos2.TryGetValue(publish.PacketId, out var releasedHash) && releasedHash == contentHash)
                {
                    // Except this case: Mosquitto (2.0.11, and its reconnect reset is unchanged since) resends
                    // the PUBLISH of a message it had already released when the connection fails before a
                    // reconnect's resent PUBREL was written (the message stays "resend PUBREL", which the next
                    // reconnect resets to "publish"; traced in the connection-loss soak). A DUP PUBLISH repeating the released message under the released id is that
                    // resend: acknowledge it, never deliver it again. The cost is a server that reuses the id
                    // for an identical message whose first transmission was lost; with Mosquitto's sequential
                    // ids that takes 65,535 newer messages in between. A non-DUP PUBLISH always counts as new.
                    connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubRec, publish.PacketId));
                    return;
                }

                ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_incomingQos2, publish.PacketId, out var exists);
                state.Generation = connection.Generation;
                if (exists)
                {
                    // A redelivery of a message the handler has (or is about to have) seen: never deliver twice.
                    if (state.Handled)
                    {
                        connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubRec, publish.PacketId));
                    }

                    return;
                }

                state.ContentHash = contentHash;
                _releasedQos2.Remove(publish.PacketId);
            }
        }

        _inbox.Writer.TryWrite(new MqttIncomingMessage(message, publish.PacketId, connection.Generation));
    }

    private void OnPubRel(MqttConnection connection, MqttAckPacket release)
    {
        bool known;
        lock (_gate)
        {
            if (connection.IsClosed)
            {
                return;
            }

            known = _incomingQos2.Remove(release.PacketId, out var state);
            if (known)
            {
                _releasedQos2[release.PacketId] = state.ContentHash;
            }
        }

        var code = known || connection.Version != MqttProtocolVersion.V500 ? (byte)0 : (byte)MqttPubRelReasonCode.PacketIdentifierNotFound;
        connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubComp, release.PacketId, code));
    }

    private static int ContentHash(MqttApplicationMessage message)
    {
        var hash = new HashCode();
        hash.Add(message.Topic, StringComparer.Ordinal);
        hash.AddBytes(message.Payload.Span);
        return hash.ToHashCode();
    }

    private async Task RunDispatcherAsync()
    {
        var reader = _inbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var incoming))
            {
                await DeliverAsync(incoming.Message).ConfigureAwait(false);
                Acknowledge(incoming);
            }
        }
    }

    private async ValueTask DeliverAsync(MqttApplicationMessage message)
    {
        try
        {
            lock (_interceptors)
            {
                foreach (var interceptor in _interceptors)
                {
                    if (interceptor(message))
                    {
                        return;
                    }
                }
            }

            if (MessageReceived is { } handler)
            {
                await handler(message, _lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            MqttLog.HandlerFailed(_logger, message.Topic, ex);
        }
    }

    /// <summary>
    /// Acknowledges after the handler ran — on the connection the packet identifier belongs to. After a
    /// reconnect the server redelivers instead (QoS 1: a duplicate; QoS 2: answered from the state).
    /// </summary>
    private void Acknowledge(MqttIncomingMessage incoming)
    {
        switch (incoming.Message.QualityOfService)
        {
            case MqttQualityOfService.AtLeastOnce:
                var connection = Volatile.Read(ref _connection);
                if (connection is not null && connection.Generation == incoming.Generation)
                {
                    connection.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubAck, incoming.PacketId));
                }

                break;
            case MqttQualityOfService.ExactlyOnce:
                lock (_gate)
                {
                    ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_incomingQos2, incoming.PacketId);
                    if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state))
                    {
                        return;
                    }

                    state.Handled = true;
                    if (_connection is { } current && current.Generation == state.Generation)
                    {
                        current.Enqueue(MqttOutgoing.ForAck(MqttPacketType.PubRec, incoming.PacketId));
                    }
                }

                break;
        }
    }
}
