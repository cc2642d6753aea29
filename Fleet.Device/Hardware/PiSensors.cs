namespace Fleet.Device.Hardware;

/// <summary>
/// The real device's sensors: CPU temperature through Iot.Device.Bindings, memory and Pi throttling from
/// procfs/sysfs (no binding covers them), and the optional I²C sensors the operator configured.
/// </summary>
internal sealed class PiSensors(ITemperatureSource temperature, SysfsSensors system, BoardSensors board) : IHardwareSensors, IDisposable
{
    /// <summary>The board as it is: the binding's CPU temperature, the real <c>/proc</c> and <c>/sys</c>, and <paramref name="board"/>.</summary>
    public static PiSensors Open(BoardSensors board) => new(new CpuTemperatureSource(), new SysfsSensors("/"), board);

    public double? ReadTemperatureC() => ToCelsius(temperature);

    public HardwareReading Read()
    {
        var (available, total) = system.ReadMemInfo();
        var (samples, silent) = board.Read();
        return new HardwareReading(ReadTemperatureC(), available, total, system.ReadProcessMemoryMb(), system.ReadThrottled())
        {
            Board = samples,
            Silent = silent,
        };
    }

    /// <summary>The binding's reading as Fleet reports it: unavailable or NaN is absent, never 0.</summary>
    public static double? ToCelsius(ITemperatureSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            if (!source.IsAvailable)
            {
                return null;
            }

            var celsius = source.ReadCelsius();
            return double.IsFinite(celsius) ? celsius : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        (temperature as IDisposable)?.Dispose();
        board.Dispose();
    }
}
