using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace Fleet.Shared.Messaging;

/// <summary>
/// MQTTnet's TCP transport with TCP_QUICKACK re-armed after every read: the broker's small PUBACKs are
/// acknowledged at once instead of after Linux's delayed-ACK timer.
/// </summary>
/// <remarks>
/// A broker that leaves Nagle on (Mosquitto's default, <c>set_tcp_nodelay false</c>) holds each small
/// PUBACK until its previous segment is acknowledged. Once the client has sent its window and falls
/// silent, no outgoing data carries that ACK and Linux delays it up to 40 ms, so a QoS 1 window completes
/// only about every 43 ms. Linux clears TCP_QUICKACK by itself, so it is set again after each read (one
/// setsockopt per read, not per packet). MQTTnet layers TLS over the returned stream, so this works for
/// TLS connections too. Measured numbers are in docs/PROTOCOL.md ("Broker settings").
/// </remarks>
internal sealed class QuickAckStreamProvider(int bufferSize) : IMqttClientStreamProvider
{
    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveBufferSize = bufferSize,
            SendBufferSize = bufferSize,
        };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
            return new QuickAckNetworkStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
