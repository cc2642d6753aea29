using System.Net.Sockets;
using System.Text;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Hosting;

namespace Fleet.Tests.Device.Hosting;

public sealed class SystemdNotifierTests
{
    [Fact]
    public void Ready_SendsDatagramToNotifySocket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fleet-notify-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            using var notifier = new SystemdNotifier(path, "20000000");
            Assert.True(notifier.IsEnabled);
            Assert.Equal(TimeSpan.FromSeconds(20), notifier.WatchdogInterval);

            Assert.True(notifier.Ready("serving vocoder 1.0.0"));
            Assert.True(notifier.Watchdog());

            var buffer = new byte[256];
            Assert.Equal("READY=1\nSTATUS=serving vocoder 1.0.0", Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer)));
            Assert.Equal("WATCHDOG=1", Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithoutSystemd_NotifyingIsANoOp()
    {
        using var notifier = new SystemdNotifier(null, null);
        Assert.False(notifier.IsEnabled);
        Assert.Null(notifier.WatchdogInterval);
        Assert.False(notifier.Watchdog());
    }
}
