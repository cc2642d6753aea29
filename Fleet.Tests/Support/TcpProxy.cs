using System.Net;
using System.Net.Sockets;

namespace Fleet.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a broker: tests cut every link through it (connection loss at
/// arbitrary points) or freeze it (a dead peer that keeps the socket open).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Socket Client, Socket Server)> _links = [];
    private readonly Task _acceptLoop;
    private volatile bool _frozen;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Cuts { get; private set; }

    /// <summary>While frozen, bytes are read but not forwarded in either direction.</summary>
    public bool Frozen
    {
        get => _frozen;
        set => _frozen = value;
    }

    /// <summary>Closes every current link abruptly (RST), as a network failure would.</summary>
    public void CutAll()
    {
        List<(Socket Client, Socket Server)> links;
        lock (_gate)
        {
            links = [.. _links];
            _links.Clear();
            Cuts++;
        }

        foreach (var (client, server) in links)
        {
            Abort(client);
            Abort(server);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                Abort(client);
                server.Dispose();
                continue;
            }

            lock (_gate)
            {
                _links.Add((client, server));
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                if (!_frozen)
                {
                    await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Abort(from);
        Abort(to);
    }
}
