using Iot.Device.CpuTemperature;

namespace Fleet.Device.Hardware;

/// <summary>
/// <see cref="CpuTemperature"/> from Iot.Device.Bindings. On Linux it reads <c>/sys/class/thermal/thermal_zone0/temp</c>
/// only (it takes no root directory), which is why simulation and tests use <see cref="SysfsSensors"/> instead.
/// </summary>
internal sealed class CpuTemperatureSource : ITemperatureSource, IDisposable
{
    private readonly CpuTemperature _cpu = new();

    public bool IsAvailable => _cpu.IsAvailable;

    public double ReadCelsius() => _cpu.Temperature.DegreesCelsius;

    public void Dispose() => _cpu.Dispose();
}
