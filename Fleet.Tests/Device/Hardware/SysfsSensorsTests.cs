using Fleet.Device.Hardware;

namespace Fleet.Tests.Device.Hardware;

public sealed class SysfsSensorsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-sysfs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Read_WithoutSensors_ReportsThemAbsent()
    {
        var reading = new SysfsSensors(_root).Read();
        Assert.Null(reading.TemperatureC);
        Assert.Null(reading.MemoryAvailableMb);
        Assert.Null(reading.Throttled);
    }

    [Fact]
    public void ReadTemperature_TakesTheHottestZone()
    {
        WriteFile("sys/class/thermal/thermal_zone0/temp", "48250\n");
        WriteFile("sys/class/thermal/thermal_zone1/temp", "61000\n");
        Assert.Equal(61.0, new SysfsSensors(_root).ReadTemperatureC());
    }

    [Fact]
    public void Read_ParsesMemInfoAndThrottling()
    {
        WriteFile("proc/meminfo", "MemTotal:        3884096 kB\nMemFree:          100000 kB\nMemAvailable:    2048000 kB\n");
        WriteFile("sys/devices/platform/soc/soc:firmware/get_throttled", "0x50004\n");
        var reading = new SysfsSensors(_root).Read();
        Assert.Equal(2000.0, reading.MemoryAvailableMb);
        Assert.Equal(3884096 / 1024.0, reading.MemoryTotalMb);
        Assert.True(reading.Throttled);
    }

    [Fact]
    public void Read_OnThisMachine_ReportsMemory()
    {
        var reading = new SysfsSensors().Read();
        Assert.NotNull(reading.MemoryTotalMb);
        Assert.NotNull(reading.ProcessMemoryMb);
    }

    private void WriteFile(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
