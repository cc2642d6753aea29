namespace Fleet.Device.Hardware;

/// <summary>The device's hardware signals. Implementations report a sensor they cannot read as absent (null), never as 0.</summary>
internal interface IHardwareSensors
{
    /// <summary>SoC temperature in °C; null when the board has no readable sensor.</summary>
    double? ReadTemperatureC();

    /// <summary>Everything at once, for telemetry and metrics.</summary>
    HardwareReading Read();
}
