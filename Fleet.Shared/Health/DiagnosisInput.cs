namespace Fleet.Shared.Health;

/// <summary>The evidence a <see cref="Diagnoser"/> weighs, gathered by the watchdog for one window.</summary>
/// <param name="MismatchedTensors">Tensors whose live weights differ from the golden digests.</param>
/// <param name="InputShift">The window's input drift score (<see cref="DriftScore.Score"/>).</param>
/// <param name="LatencyP99Microseconds">The window's p99 inference latency; NaN when unknown.</param>
/// <param name="BaselineLatencyP99Microseconds">The healthy p99 latency; NaN when unknown.</param>
/// <param name="TemperatureC">The SoC temperature; null when the device has no sensor.</param>
public readonly record struct DiagnosisInput(
    int MismatchedTensors,
    double InputShift,
    double LatencyP99Microseconds = double.NaN,
    double BaselineLatencyP99Microseconds = double.NaN,
    double? TemperatureC = null);
