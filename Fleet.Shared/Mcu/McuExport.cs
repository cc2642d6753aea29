namespace Fleet.Shared.Mcu;

/// <summary>The result of quantising one model for Fleet.Mcu.</summary>
/// <param name="Model">The quantised network.</param>
/// <param name="Image">The flash image (<see cref="McuImageWriter"/> layout).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of <see cref="Image"/>.</param>
/// <param name="GoldenInputs">Golden input codes, one array per case.</param>
/// <param name="GoldenExpected">Expected output codes (the int8 network's, bit-exact on the MCU).</param>
/// <param name="BaselineMin">Real value of the baseline histogram's lower edge.</param>
/// <param name="BaselineMax">Real value of its upper edge.</param>
/// <param name="BaselineCounts">Healthy output histogram of the int8 network on the calibration stream.</param>
/// <param name="ChunkDigests">CRC-32C of each 1 KiB chunk of the parameter section.</param>
/// <param name="KlMax">The device's KL threshold (nats) for <see cref="WindowInferences"/>-inference windows.</param>
/// <param name="WindowInferences">Inferences per window.</param>
/// <param name="Error">Quantisation error against the float model.</param>
public sealed record McuExport(
    McuModel Model,
    byte[] Image,
    string Sha256,
    sbyte[][] GoldenInputs,
    sbyte[][] GoldenExpected,
    float BaselineMin,
    float BaselineMax,
    uint[] BaselineCounts,
    uint[] ChunkDigests,
    float KlMax,
    int WindowInferences,
    McuQuantizationError Error);

/// <summary>int8 network vs float network on the calibration stream and the golden set.</summary>
/// <param name="RelativeRms">sqrt(Σ(y₈ − y)² / Σy²) over every calibration output: the headline int8_vs_float_error.</param>
/// <param name="MaxAbsolute">Largest |y₈ − y| over the calibration outputs.</param>
/// <param name="GoldenMaxAbsolute">Largest |y₈ − expected| over the package's golden cases (float expected values).</param>
/// <param name="Samples">Calibration samples compared.</param>
public sealed record McuQuantizationError(double RelativeRms, double MaxAbsolute, double GoldenMaxAbsolute, int Samples);
