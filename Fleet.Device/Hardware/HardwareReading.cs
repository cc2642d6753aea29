namespace Fleet.Device.Hardware;

/// <summary>
/// One reading of the device's hardware signals. A sensor the OS does not expose is null —
/// reported as absent, never faked as zero.
/// </summary>
internal sealed record HardwareReading(
    double? TemperatureC,
    double? MemoryAvailableMb,
    double? MemoryTotalMb,
    double? ProcessMemoryMb,
    bool? Throttled);
