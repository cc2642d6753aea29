using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace Fleet.Shared.Messaging;

/// <summary>A <see cref="NetworkStream"/> owning its socket that asks Linux for an immediate ACK after every read (see <see cref="QuickAckStreamProvider"/>).</summary>
internal sealed class QuickAckNetworkStream(Socket socket) : NetworkStream(socket, ownsSocket: true), IMqttClientStreamEndPoints
{
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] Enabled = BitConverter.GetBytes(1);

    public EndPoint? LocalEndPoint { get; } = socket.LocalEndPoint;

    public EndPoint? RemoteEndPoint { get; } = socket.RemoteEndPoint;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        RequestQuickAck(read);
        return read;
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = await base.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
        RequestQuickAck(read);
        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = base.Read(buffer);
        RequestQuickAck(read);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    private void RequestQuickAck(int read)
    {
        if (read <= 0)
        {
            return;
        }

        try
        {
            Socket.SetRawSocketOption(IpProtocolTcp, TcpQuickAck, Enabled);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is closing; the next read reports it.
        }
    }
}
