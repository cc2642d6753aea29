using System.Globalization;

namespace Fleet.Device.Healing;

/// <summary>
/// Calibrated noise on the region sketches insights carry (differential-privacy style): <see cref="Mechanism"/>
/// <c>laplace</c> or <c>gaussian</c> at <see cref="Scale"/> histogram counts, or <see cref="Off"/> (the default).
/// </summary>
internal sealed record InsightNoiseOptions(string Mechanism, double Scale)
{
    public static InsightNoiseOptions Off { get; } = new("none", 0);

    public bool Enabled => Mechanism != "none";

    /// <summary>Parses <c>none</c>, <c>laplace:SCALE</c> or <c>gaussian:SCALE</c> (SCALE in counts, 0 &lt; SCALE ≤ 1000).</summary>
    public static (InsightNoiseOptions? Options, string? Problem) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "none")
        {
            return (Off, null);
        }

        var parts = text.Split(':');
        if (parts is not [var mechanism, var scaleText] || mechanism is not ("laplace" or "gaussian"))
        {
            return (null, $"insight noise '{text}' must be none, laplace:SCALE or gaussian:SCALE");
        }

        return double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale > 0 && scale <= 1000
            ? (new InsightNoiseOptions(mechanism, scale), null)
            : (null, $"insight noise scale '{scaleText}' must be a number in (0, 1000]");
    }
}
