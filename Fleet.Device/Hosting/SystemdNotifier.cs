using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Device.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams to <c>$NOTIFY_SOCKET</c>. With <c>Type=notify</c> and
/// <c>WatchdogSec=</c> in the unit, systemd restarts the agent when it stops sending WATCHDOG=1,
/// which the agent does only while its inference loop makes progress.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SystemdNotifier(string? notifySocket, string? watchdogUsec)
    {
        if (!string.IsNullOrEmpty(notifySocket))
        {
            // A leading '@' names an abstract socket; .NET expects a leading NUL for those.
            var path = notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket;
            _endpoint = new UnixDomainSocketEndPoint(path);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        }

        if (long.TryParse(watchdogUsec, NumberStyles.Integer, CultureInfo.InvariantCulture, out var usec) && usec > 0)
        {
            WatchdogInterval = TimeSpan.FromMicroseconds(usec);
        }
    }

    /// <summary>Reads NOTIFY_SOCKET and WATCHDOG_USEC from the environment.</summary>
    public static SystemdNotifier FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), Environment.GetEnvironmentVariable("WATCHDOG_USEC"));

    /// <summary>Whether the agent runs under systemd with a notify socket.</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>The watchdog timeout systemd set; the agent pings at half of it. Null when no watchdog.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public bool Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public bool Watchdog() => Send("WATCHDOG=1");

    public bool Status(string status) => Send($"STATUS={status}");

    public bool Stopping() => Send("STOPPING=1");

    public void Dispose() => _socket?.Dispose();

    private bool Send(string message)
    {
        if (_socket is null || _endpoint is null)
        {
            return false;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint);
            return true;
        }
        catch (SocketException)
        {
            // systemd gone (e.g. during shutdown): nothing to tell.
            return false;
        }
    }
}
