using System.Text.Json;
using Fleet.Device.Logging;
using Fleet.Tests.Device.Storage;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Fleet.Tests.Device.Logging;

public sealed class DeviceLoggingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheLogFile_IsCompactJson_WithTheDeviceIdOnEveryEvent_AndRollsAtItsSizeKeepingTheNewestFiles()
    {
        using (var serilog = DeviceLogging.Create(["pi-kitchen"], _dir.Path, fileBytes: 2048, files: 3, console: false))
        using (var loggers = new SerilogLoggerFactory(serilog))
        {
            var logger = loggers.CreateLogger("test");
            for (var i = 0; i < 200; i++)
            {
                logger.LogInformation("window {Window} closed with KL {Kl}", i, 0.01 * i);
            }
        }

        var files = Directory.GetFiles(_dir.Path, DeviceLogging.FilePrefix + "*" + DeviceLogging.FileExtension).Order(StringComparer.Ordinal).ToList();
        // 200 events of ~300 bytes are ~60 KB: some thirty 2 KB files were written, the three newest kept. A file
        // rolls once it has reached the limit, so it may pass it by the last event written.
        Assert.Equal(3, files.Count);
        var lines = files.SelectMany(File.ReadLines).ToList();
        var longest = lines.Max(l => l.Length + 1);
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 2048 + longest));
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(events, e => Assert.Equal("pi-kitchen", e.GetProperty("DeviceId").GetString()));
        Assert.All(events, e => Assert.Equal("window {Window} closed with KL {Kl}", e.GetProperty("@mt").GetString()));
        Assert.Equal(199, events.Max(e => e.GetProperty("Window").GetInt32()));
        Assert.True(events.Min(e => e.GetProperty("Window").GetInt32()) > 100, "the oldest files were deleted");
    }

    [Fact]
    public void ASimulatedFleet_KeepsEachMessagesOwnDeviceId()
    {
        using (var serilog = DeviceLogging.Create(["sim-001", "sim-002"], _dir.Path, fileBytes: 1 << 20, files: 2, console: false))
        using (var loggers = new SerilogLoggerFactory(serilog))
        {
            loggers.CreateLogger("test").LogWarning("{DeviceId}: fault {Fault}", "sim-002", "drift");
        }

        var line = File.ReadLines(Directory.GetFiles(_dir.Path).Single()).Single();
        var logged = JsonDocument.Parse(line).RootElement;
        Assert.Equal("sim-002", logged.GetProperty("DeviceId").GetString());
        Assert.Equal(2, logged.GetProperty("Devices").GetInt32());
    }
}
