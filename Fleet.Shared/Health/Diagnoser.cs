namespace Fleet.Shared.Health;

/// <summary>Classifies a failure from its evidence, following a <see cref="DiagnoserOptions"/> policy.</summary>
/// <remarks>Pure: same evidence and policy, same answer. The first class in <see cref="DiagnoserOptions.Precedence"/> whose evidence holds wins.</remarks>
public static class Diagnoser
{
    /// <summary>Diagnoses <paramref name="evidence"/> under <paramref name="options"/> (validated by the caller once).</summary>
    public static DiagnosisResult Diagnose(in DiagnosisInput evidence, DiagnoserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var candidate in options.Precedence)
        {
            if (Holds(candidate, evidence, options) is { } reason)
            {
                return new DiagnosisResult(candidate, reason);
            }
        }

        return new DiagnosisResult(Diagnosis.ModelQuality, "weights match their digests, inputs and compute are within bounds");
    }

    private static string? Holds(Diagnosis candidate, in DiagnosisInput e, DiagnoserOptions o) => candidate switch
    {
        Diagnosis.Hardware when e.MismatchedTensors > 0 =>
            $"{e.MismatchedTensors} tensor(s) differ from their golden digests",
        Diagnosis.DataDrift when e.InputShift >= o.InputShiftThreshold =>
            $"input shift {e.InputShift:0.###} ≥ {o.InputShiftThreshold:0.###} with intact weights",
        Diagnosis.Compute when e.TemperatureC >= o.TemperatureLimitC =>
            $"temperature {e.TemperatureC:0.#} °C ≥ {o.TemperatureLimitC:0.#} °C",
        Diagnosis.Compute when e.BaselineLatencyP99Microseconds > 0 && e.LatencyP99Microseconds / e.BaselineLatencyP99Microseconds >= o.LatencyRatioThreshold =>
            $"p99 latency {e.LatencyP99Microseconds:0} µs is {e.LatencyP99Microseconds / e.BaselineLatencyP99Microseconds:0.##}× the healthy {e.BaselineLatencyP99Microseconds:0} µs",
        _ => null,
    };
}
