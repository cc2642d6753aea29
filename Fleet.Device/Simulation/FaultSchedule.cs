using System.Globalization;

namespace Fleet.Device.Simulation;

/// <summary>
/// When simulated devices suffer which faults: a list (<c>bitflip:exponent@30s,drift@60s,crash@2m</c>, times from
/// the agent's start) or a random campaign (<c>random:RATE</c>, faults per device per minute, kinds drawn evenly).
/// </summary>
internal sealed record FaultSchedule(IReadOnlyList<(TimeSpan At, Fault Fault)> Planned, double RandomPerMinute)
{
    public static FaultSchedule None { get; } = new([], 0);

    public static bool TryParse(string? text, out FaultSchedule schedule, out string? problem)
    {
        schedule = None;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (text.StartsWith("random:", StringComparison.OrdinalIgnoreCase))
        {
            if (!double.TryParse(text[7..], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !(rate > 0) || rate > 600)
            {
                problem = $"'{text}': random:RATE needs 0 < RATE ≤ 600 faults per device per minute";
                return false;
            }

            schedule = new FaultSchedule([], rate);
            return true;
        }

        var planned = new List<(TimeSpan, Fault)>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = item.LastIndexOf('@');
            if (at < 0 || !TryParseTime(item[(at + 1)..], out var time))
            {
                problem = $"'{item}': expected FAULT@TIME (e.g. drift@60s, crash@2m)";
                return false;
            }

            if (!Fault.TryParse(item[..at], out var fault, out problem))
            {
                return false;
            }

            planned.Add((time, fault!));
        }

        schedule = new FaultSchedule(planned.OrderBy(p => p.Item1).ToArray(), 0);
        return true;
    }

    private static bool TryParseTime(string text, out TimeSpan time)
    {
        time = default;
        var unit = text.Length > 0 ? text[^1] : ' ';
        var scale = unit switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, _ => double.NaN };
        if (double.IsNaN(scale) || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        time = TimeSpan.FromSeconds(value * scale);
        return true;
    }
}
