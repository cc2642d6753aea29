namespace Fleet.Shared.Mcu;

/// <summary>How <see cref="McuExporter"/> quantises and calibrates.</summary>
/// <param name="InputMin">Lowest real input the device feeds (the sensor's range); null: the golden inputs' minimum.</param>
/// <param name="InputMax">Highest real input; null: the golden inputs' maximum.</param>
/// <param name="CalibrationSamples">Samples drawn from the input box to set the output scale and the baseline.</param>
/// <param name="WindowInferences">Inferences per observation window on the device.</param>
/// <param name="ThresholdWindows">Clean windows simulated to set the KL threshold.</param>
/// <param name="KlFloor">Lowest KL threshold (nats), as fleet-device's floor.</param>
/// <param name="KlMargin">Threshold = margin · 99th percentile of the clean windows' KL.</param>
/// <param name="Seed">Seed of the calibration stream.</param>
public sealed record McuExportOptions(
    float? InputMin = null,
    float? InputMax = null,
    int CalibrationSamples = 2000,
    int WindowInferences = 16,
    int ThresholdWindows = 400,
    double KlFloor = 0.05,
    double KlMargin = 2.0,
    uint Seed = 0x5EED_F1EE)
{
    /// <summary>Defaults.</summary>
    public static McuExportOptions Default { get; } = new();

    /// <summary>Throws on values the exporter cannot use.</summary>
    public McuExportOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CalibrationSamples, 10, nameof(CalibrationSamples));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WindowInferences, nameof(WindowInferences));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WindowInferences, 65535, nameof(WindowInferences));
        ArgumentOutOfRangeException.ThrowIfLessThan(ThresholdWindows, 10, nameof(ThresholdWindows));
        ArgumentOutOfRangeException.ThrowIfNegative(KlFloor, nameof(KlFloor));
        ArgumentOutOfRangeException.ThrowIfLessThan(KlMargin, 1.0, nameof(KlMargin));
        if (InputMin is { } low && InputMax is { } high && !(high > low))
        {
            throw new ArgumentException($"the input range {low}:{high} is empty");
        }

        return this;
    }
}
