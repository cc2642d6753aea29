using System.IO.Pipelines;
using System.Threading.Channels;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>
/// One transport connection: a read loop that frames and decodes packets, a writer loop that encodes
/// queued packets into a PipeWriter and flushes once per batch, and the keep-alive timer.
/// </summary>
/// <remarks>
/// No loop throws out: every fault ends in exactly one <see cref="IMqttConnectionHandler.OnClosed"/>.
/// A malformed packet or protocol error from the server is answered with DISCONNECT carrying its
/// reason code (MQTT 5) before the socket is closed.
/// </remarks>
internal sealed partial class MqttConnection : IAsyncDisposable
{
    private const int HighWater = 8192;
    private readonly Stream _stream;
    private readonly System.Net.Sockets.Socket? _socket;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly MqttPacketEncoder _encoder;
    private readonly MqttPacketDecoder _decoder;
    private readonly Channel<MqttOutgoing> _queue = System.Threading.Channels.Channel.CreateUnbounded<MqttOutgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cts = new();
    private readonly TimeProvider _time;
    private readonly uint _maximumIncomingPacketSize;
    private IMqttConnectionHandler? _handler;
    private Task _readTask = Task.CompletedTask;
    private Task _writeTask = Task.CompletedTask;
    private Task _keepAliveTask = Task.CompletedTask;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _pingResponse;
    private int _queued;
    private int _closed;
    private long _lastSent;
    private long _pingSentAt;
    private volatile bool _pingOutstanding;

    public MqttConnection(MqttTransportLink link, MqttProtocolVersion version, ushort topicAliasMaximum, uint maximumIncomingPacketSize, int generation, TimeProvider time)
    {
        var stream = link.Stream;
        _stream = stream;
        _socket = link.Socket;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 8192, leaveOpen: true));
        _encoder = new MqttPacketEncoder(version);
        _decoder = new MqttPacketDecoder(version, topicAliasMaximum);
        _maximumIncomingPacketSize = maximumIncomingPacketSize;
        _time = time;
        Generation = generation;
        Version = version;
        _lastSent = time.GetTimestamp();
    }

    public int Generation { get; }

    public MqttProtocolVersion Version { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>The server's Maximum Packet Size (from CONNACK); larger PUBLISHes are refused before sending.</summary>
    public uint MaximumOutgoingPacketSize { get; set; } = uint.MaxValue;

    /// <summary>Topic aliases for this connection's PUBLISHes, within the server's Topic Alias Maximum (from CONNACK).</summary>
    /// <remarks>Set before the first PUBLISH is queued; used only by the writer loop.</remarks>
    public MqttOutgoingTopicAliases OutgoingTopicAliases { get; set; } = MqttOutgoingTopicAliases.None;

    /// <summary>Starts the read and write loops; keep-alive starts with <see cref="StartKeepAlive"/> once connected.</summary>
    public void Start(IMqttConnectionHandler handler)
    {
        _handler = handler;
        _writeTask = Task.Run(RunWriterAsync);
        _readTask = Task.Run(RunReaderAsync);
    }

    public void StartKeepAlive(TimeSpan keepAlive)
    {
        if (keepAlive > TimeSpan.Zero)
        {
            _keepAliveTask = RunKeepAliveAsync(keepAlive);
        }
    }

    /// <summary>Queues an item; false when the connection is already closed.</summary>
    public bool Enqueue(in MqttOutgoing item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            item.Written?.TrySetException(new MqttTransportException("connection closed"));
            return false;
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    /// <summary>Waits while the send queue is above its high-water mark (QoS 0 back-pressure).</summary>
    public ValueTask WaitForCapacityAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _queued) < HighWater || IsClosed)
        {
            return ValueTask.CompletedTask;
        }

        return WaitSlowAsync(cancellationToken);

        async ValueTask WaitSlowAsync(CancellationToken token)
        {
            while (Volatile.Read(ref _queued) >= HighWater && !IsClosed)
            {
                var drained = Volatile.Read(ref _drained);
                if (drained is null)
                {
                    var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    drained = Interlocked.CompareExchange(ref _drained, created, null) ?? created;
                }

                if (Volatile.Read(ref _queued) >= HighWater)
                {
                    await drained.Task.WaitAsync(token).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Queues <paramref name="packet"/> and waits until it was flushed to the transport.</summary>
    public async Task SendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(MqttOutgoing.ForPacket(packet, written));
        await written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends PINGREQ and waits for PINGRESP.</summary>
    public Task PingAsync(CancellationToken cancellationToken)
    {
        var response = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _pingResponse, response, null);
        if (existing is null)
        {
            Enqueue(MqttOutgoing.ForPacket(MqttPingPacket.Request));
        }

        return (existing ?? response).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends DISCONNECT (best effort, bounded wait) and closes.</summary>
    public async Task DisconnectAsync(MqttDisconnectPacket packet, MqttCloseReason reason, TimeSpan timeout)
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            using var cts = new CancellationTokenSource(timeout, _time);
            await SendAsync(packet, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // The peer may already be gone; closing is all that is left to do.
        }

        Close(reason, null, null);
    }

    /// <summary>Ends the connection once; the handler hears about it exactly once.</summary>
    public void Close(MqttCloseReason reason, MqttDisconnectPacket? serverDisconnect, Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _cts.Cancel();
        _reader.CancelPendingRead();
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // Disposing a broken SslStream can throw; the socket is closed either way.
        }

        Interlocked.Exchange(ref _drained, null)?.TrySetResult();
        Interlocked.Exchange(ref _pingResponse, null)?.TrySetException(new MqttTransportException("connection closed"));
        while (_queue.Reader.TryRead(out var item))
        {
            item.Written?.TrySetException(new MqttTransportException("connection closed"));
        }

        _handler?.OnClosed(this, reason, serverDisconnect, error);
    }

    public async ValueTask DisposeAsync()
    {
        Close(MqttCloseReason.ClientDisconnected, null, null);
        await Task.WhenAll(_readTask, _writeTask, _keepAliveTask).ConfigureAwait(false);
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // Completing flushes what was never sent into an already closed stream; nothing is lost that matters.
        }

        _encoder.Dispose();
        _cts.Dispose();
    }
}
