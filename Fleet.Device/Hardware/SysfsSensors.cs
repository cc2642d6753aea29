using System.Globalization;

namespace Fleet.Device.Hardware;

/// <summary>
/// Reads thermal and memory signals from Linux's sysfs/procfs under a root directory, so a simulated device can
/// point it at a directory whose files it controls (thermal faults) and tests at one without sensors.
/// <see cref="PiSensors"/> reuses its memory and throttling readers on the real root.
/// </summary>
internal sealed class SysfsSensors(string root = "/") : IHardwareSensors
{
    /// <summary>Highest temperature over all thermal zones, in °C; null when there are none.</summary>
    public double? ReadTemperatureC()
    {
        var zones = Path.Combine(root, "sys/class/thermal");
        if (!Directory.Exists(zones))
        {
            return null;
        }

        double? hottest = null;
        foreach (var zone in Directory.EnumerateDirectories(zones, "thermal_zone*"))
        {
            if (TryReadLong(Path.Combine(zone, "temp"), out var milli))
            {
                var celsius = milli / 1000.0;
                hottest = hottest is null ? celsius : Math.Max(hottest.Value, celsius);
            }
        }

        return hottest;
    }

    /// <summary>Raspberry Pi firmware's throttled flags (vcgencmd get_throttled) when exposed in sysfs.</summary>
    public bool? ReadThrottled()
    {
        var path = Path.Combine(root, "sys/devices/platform/soc/soc:firmware/get_throttled");
        return TryReadLong(path, out var flags, NumberStyles.HexNumber) ? (flags & 0x4) != 0 : null;
    }

    public HardwareReading Read()
    {
        var (available, total) = ReadMemInfo();
        return new HardwareReading(ReadTemperatureC(), available, total, ReadProcessMemoryMb(), ReadThrottled());
    }

    public (double? AvailableMb, double? TotalMb) ReadMemInfo()
    {
        var path = Path.Combine(root, "proc/meminfo");
        if (!File.Exists(path))
        {
            return (null, null);
        }

        double? available = null, total = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = ParseKb(line) / 1024.0;
            }
            else if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = ParseKb(line) / 1024.0;
            }
        }

        return (available, total);
    }

    public double? ReadProcessMemoryMb()
    {
        var path = Path.Combine(root, "proc/self/status");
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : ParseKb(line) / 1024.0;
    }

    private static double? ParseKb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb : null;
    }

    private static bool TryReadLong(string path, out long value, NumberStyles style = NumberStyles.Integer)
    {
        value = 0;
        try
        {
            var text = File.ReadAllText(path).Trim();
            if (style == NumberStyles.HexNumber && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                text = text[2..];
            }

            return long.TryParse(text, style, CultureInfo.InvariantCulture, out value);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
