using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt.Channel;

internal sealed partial class MqttConnection
{
    private const int FlushThreshold = 256 * 1024;

    private async Task RunReaderAsync()
    {
        var token = _cts.Token;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (_handler!.AwaitsAcknowledgements)
                {
                    TcpQuickAck.Request(_socket);
                }
                try
                {
                    while (MqttFrameReader.TryRead(ref buffer, _maximumIncomingPacketSize, out var header, out var body))
                    {
                        var packet = _decoder.Decode(header, body);
                        switch (packet)
                        {
                            case MqttDisconnectPacket disconnect:
                                Close(MqttCloseReason.ServerDisconnected, disconnect, null);
                                return;
                            case MqttPingPacket { Type: MqttPacketType.PingResp }:
                                _pingOutstanding = false;
                                Interlocked.Exchange(ref _pingResponse, null)?.TrySetResult();
                                break;
                            default:
                                _handler!.OnPacket(this, packet);
                                break;
                        }
                    }

                    _handler!.OnReadBatchEnd(this);
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    Close(MqttCloseReason.ConnectionLost, null, new MqttTransportException("the server closed the connection"));
                    return;
                }
            }
        }
        catch (MqttProtocolViolationException ex)
        {
            await CloseForViolationAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            Close(MqttCloseReason.ConnectionLost, null, ex is OperationCanceledException ? null : ex);
        }
    }

    private async Task CloseForViolationAsync(MqttProtocolViolationException violation)
    {
        if (Version == MqttProtocolVersion.V500 && !IsClosed)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
                await SendAsync(new MqttDisconnectPacket(violation.ReasonCode) { ReasonString = Truncate(violation.Message) }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                // Best effort: the socket is closed next regardless.
            }
        }

        Close(MqttCloseReason.ProtocolViolation, null, violation);
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var token = _cts.Token;
        List<TaskCompletionSource>? written = null;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                var count = 0;
                while (reader.TryRead(out var item))
                {
                    Write(item);
                    count++;
                    if (item.Written is not null)
                    {
                        (written ??= []).Add(item.Written);
                    }

                    if (_writer.UnflushedBytes >= FlushThreshold)
                    {
                        await FlushAsync(token).ConfigureAwait(false);
                    }
                }

                await FlushAsync(token).ConfigureAwait(false);
                if (Interlocked.Add(ref _queued, -count) < HighWater / 2)
                {
                    Interlocked.Exchange(ref _drained, null)?.TrySetResult();
                }

                if (written is { Count: > 0 })
                {
                    foreach (var tcs in written)
                    {
                        tcs.TrySetResult();
                    }

                    written.Clear();
                }
            }
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            if (written is not null)
            {
                foreach (var tcs in written)
                {
                    tcs.TrySetException(new MqttTransportException("connection closed before the packet was sent", ex));
                }
            }

            Close(MqttCloseReason.ConnectionLost, null, ex is OperationCanceledException ? null : ex);
        }
    }

    private async ValueTask FlushAsync(CancellationToken token)
    {
        var flush = await _writer.FlushAsync(token).ConfigureAwait(false);
        Volatile.Write(ref _lastSent, _time.GetTimestamp());
        if (flush.IsCompleted)
        {
            throw new MqttTransportException("the transport stopped accepting data");
        }
    }

    private void Write(in MqttOutgoing item)
    {
        if (item.Message is not null)
        {
            var (alias, known) = OutgoingTopicAliases.For(item.Message.Topic);
            _encoder.WritePublish(_writer, item.Message, item.PacketId, item.Duplicate, alias, omitTopic: known);
        }
        else if (item.Packet is not null)
        {
            if (item.Packet.Type == MqttPacketType.PingReq && !_pingOutstanding)
            {
                _pingOutstanding = true;
                _pingSentAt = _time.GetTimestamp();
            }

            _encoder.Encode(item.Packet, _writer);
        }
        else
        {
            _encoder.WriteAck(_writer, item.AckType, item.PacketId, item.ReasonCode);
        }
    }

    private async Task RunKeepAliveAsync(TimeSpan keepAlive)
    {
        var token = _cts.Token;
        var tick = keepAlive / 4;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(tick, _time, token).ConfigureAwait(false);
                var now = _time.GetTimestamp();
                if (_pingOutstanding && _time.GetElapsedTime(_pingSentAt, now) >= keepAlive * 1.5)
                {
                    Close(MqttCloseReason.KeepAliveTimeout, null, new TimeoutException($"no PINGRESP within {keepAlive * 1.5}"));
                    return;
                }

                if (!_pingOutstanding && _time.GetElapsedTime(Volatile.Read(ref _lastSent), now) >= keepAlive * 0.75)
                {
                    _pingOutstanding = true;
                    _pingSentAt = now;
                    Enqueue(MqttOutgoing.ForPacket(MqttPingPacket.Request));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection closed.
        }
    }
}
