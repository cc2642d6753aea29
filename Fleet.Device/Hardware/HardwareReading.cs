namespace Fleet.Device.Hardware;

/// <summary>
/// One reading of the device's hardware signals. A sensor the OS does not expose is null —
/// reported as absent, never faked as zero.
/// </summary>
/// <param name="Board">Readings of the configured I²C sensors that answered.</param>
/// <param name="Silent">Configured I²C sensors that did not answer this time (their <see cref="BoardSensorSpec.Name"/>).</param>
internal sealed record HardwareReading(
    double? TemperatureC,
    double? MemoryAvailableMb,
    double? MemoryTotalMb,
    double? ProcessMemoryMb,
    bool? Throttled)
{
    public IReadOnlyList<BoardSample> Board { get; init; } = [];

    public IReadOnlyList<string> Silent { get; init; } = [];
}
