using System.Globalization;
using Fleet.Device.Hardware;

namespace Fleet.Tests.Device.Hardware;

public sealed class PiSensorsTests
{
    private const string ThermalZone0 = "/sys/class/thermal/thermal_zone0/temp";

    [Theory]
    [InlineData(true, double.NaN, null)]
    [InlineData(true, double.PositiveInfinity, null)]
    [InlineData(false, 47.5, null)]
    [InlineData(true, 47.5, 47.5)]
    [InlineData(true, 0.0, 0.0)]
    public void ToCelsius_ReportsUnavailableOrNaNAsAbsent_AndARealReadingAsIs(bool available, double celsius, double? expected) =>
        Assert.Equal(expected, PiSensors.ToCelsius(new FakeTemperature(available, () => celsius)));

    [Fact]
    public void ToCelsius_WhenTheSensorFileFailsToRead_ReportsAbsent() =>
        Assert.Null(PiSensors.ToCelsius(new FakeTemperature(true, () => throw new IOException("read error"))));

    [Fact]
    public void CpuTemperatureBinding_OnThisMachine_ReadsThermalZone0OrReportsAbsent()
    {
        using var binding = new CpuTemperatureSource();
        var reading = PiSensors.ToCelsius(binding);
        if (File.Exists(ThermalZone0) && long.TryParse(File.ReadAllText(ThermalZone0).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
        {
            // The zone moves between two reads; a degree is far below any plausible error in the mapping.
            Assert.NotNull(reading);
            Assert.InRange(reading.Value, (milli / 1000.0) - 1, (milli / 1000.0) + 1);
        }
        else
        {
            Assert.Null(reading);
        }
    }

    [Fact]
    public void Read_TakesTemperatureFromTheBinding_AndMemoryAndThrottlingFromTheFiles()
    {
        using var root = new Storage.TempDirectory();
        Write(root.Path, "proc/meminfo", "MemTotal:        4000000 kB\nMemAvailable:    1024000 kB\n");
        Write(root.Path, "sys/devices/platform/soc/soc:firmware/get_throttled", "0x0\n");
        // A thermal zone under the root is ignored: on a real device the binding is the temperature's one source.
        Write(root.Path, "sys/class/thermal/thermal_zone0/temp", "99000\n");
        using var sensors = new PiSensors(new FakeTemperature(true, () => 51.25), new SysfsSensors(root.Path), BoardSensors.None);

        var reading = sensors.Read();

        Assert.Equal(51.25, reading.TemperatureC);
        Assert.Equal(1000.0, reading.MemoryAvailableMb);
        Assert.False(reading.Throttled);
        Assert.Empty(reading.Board);
        Assert.Empty(reading.Silent);
    }

    [Fact]
    public void Open_OnThisMachine_ReadsMemoryWithoutThrowing()
    {
        using var sensors = PiSensors.Open(BoardSensors.None);
        var reading = sensors.Read();
        Assert.NotNull(reading.MemoryTotalMb);
        Assert.NotNull(reading.ProcessMemoryMb);
        Assert.Equal(File.Exists(ThermalZone0), reading.TemperatureC is not null);
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private sealed class FakeTemperature(bool available, Func<double> celsius) : ITemperatureSource
    {
        public bool IsAvailable => available;

        public double ReadCelsius() => celsius();
    }
}
