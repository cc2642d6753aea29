using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Infrastructure;

/// <summary>
/// A one-connection MQTT 5 peer driven by the test, for server behaviour Mosquitto never shows
/// (malformed packets, topic aliases towards the client). Raw bytes out, decoded packets in.
/// </summary>
public sealed class ScriptedMqttServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private byte[] _pending = [];
    private MqttPacketDecoder _decoder = new(MqttProtocolVersion.V500, AliasesFromClient);

    public ScriptedMqttServer() => _listener.Start();

    /// <summary>The Topic Alias Maximum this server accepts; announce it in CONNACK for the client to use aliases.</summary>
    public const ushort AliasesFromClient = 16;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes of the packet <see cref="ReceiveAsync"/> returned last (fixed header included).</summary>
    public int LastPacketSize { get; private set; }

    /// <summary>Accepts the client, reads its CONNECT and answers with <paramref name="connAck"/>.</summary>
    /// <remarks>Call again after <see cref="Drop"/> to take the client's reconnect.</remarks>
    internal async Task<MqttConnectPacket> AcceptAsync(MqttConnAckPacket connAck)
    {
        _pending = [];
        _decoder = new MqttPacketDecoder(MqttProtocolVersion.V500, AliasesFromClient);
        _socket = await _listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var connect = (MqttConnectPacket)(await ReceiveAsync() ?? throw new InvalidOperationException("client closed before CONNECT"));
        await SendAsync(connAck);
        return connect;
    }

    internal Task SendAsync(MqttPacket packet)
    {
        var output = new ArrayBufferWriter<byte>();
        using var encoder = new MqttPacketEncoder(MqttProtocolVersion.V500);
        encoder.Encode(packet, output);
        return SendAsync(output.WrittenSpan.ToArray());
    }

    public async Task SendAsync(byte[] bytes) => await _socket!.SendAsync(bytes, SocketFlags.None);

    /// <summary>The next packet from the client; null when it closed the connection.</summary>
    internal async Task<MqttPacket?> ReceiveAsync()
    {
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending);
            if (MqttFrameReader.TryRead(ref sequence, uint.MaxValue, out var header, out var body))
            {
                var packet = _decoder.Decode(header, body);
                LastPacketSize = _pending.Length - (int)sequence.Length;
                _pending = sequence.ToArray();
                return packet;
            }

            var n = await _socket!.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                return null;
            }

            _pending = [.. _pending, .. buffer.AsSpan(0, n)];
        }
    }

    /// <summary>Ends the current connection abruptly (RST), as a failing network would.</summary>
    public void Drop()
    {
        _socket!.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
