using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>Rolling health of one device from its telemetry: the last window and exponentially weighted means.</summary>
/// <remarks>Allocated on the first telemetry message, so an idle twin carries none of it.</remarks>
internal sealed class TwinMetrics
{
    private const double Alpha = 0.2;

    public TelemetryMessage? Last { get; private set; }

    public double? KlMean { get; private set; }

    public double? LatencyP99Mean { get; private set; }

    public long Count { get; private set; }

    public void Add(TelemetryMessage telemetry)
    {
        Last = telemetry;
        Count++;
        KlMean = Ewma(KlMean, telemetry.Kl);
        LatencyP99Mean = Ewma(LatencyP99Mean, telemetry.LatencyP99Us);
    }

    private static double? Ewma(double? mean, double? value) =>
        value is not { } v || double.IsNaN(v) ? mean : mean is { } m ? m + (Alpha * (v - m)) : v;
}
