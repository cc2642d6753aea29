using System.Net.Sockets;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>
/// Asks Linux to acknowledge received TCP data at once instead of delaying the ACK (up to 40 ms).
/// </summary>
/// <remarks>
/// Mosquitto leaves Nagle on by default (<c>set_tcp_nodelay false</c>), so each of its small
/// PUBACKs waits in its send buffer until the previous one is acknowledged. While this client keeps
/// publishing, its PUBLISHes carry the ACKs; once its window is sent it falls silent and the delayed
/// ACK stalls the broker's remaining PUBACKs for tens of milliseconds — measured: a 4096-message
/// QoS 1 window took 45–150 ms instead of 25–30 ms. Linux clears TCP_QUICKACK on its own, so the read
/// loop sets it again after every read (one cheap setsockopt per read, not per packet) — only while
/// publications await acknowledgement: a pure receiver gains nothing from extra ACK segments.
/// </remarks>
internal static class TcpQuickAck
{
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAckOption = 12;
    private static readonly byte[] Enabled = BitConverter.GetBytes(1);

    public static void Request(Socket? socket)
    {
        if (socket is null || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            socket.SetRawSocketOption(IpProtocolTcp, TcpQuickAckOption, Enabled);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is closing; the read loop finds out on its next read.
        }
    }
}
