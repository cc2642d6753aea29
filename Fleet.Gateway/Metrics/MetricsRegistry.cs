using System.Globalization;
using System.Text;

namespace Fleet.Gateway.Metrics;

/// <summary>
/// Counters and gauges of the gateway, rendered in the Prometheus text exposition format (0.0.4).
/// No Prometheus client library is available here, and the format is small enough to own.
/// </summary>
internal sealed class MetricsRegistry
{
    private readonly Lock _gate = new();
    private readonly List<Metric> _metrics = [];

    public Counter Counter(string name, string help)
    {
        var counter = new Counter(name, help);
        Register(counter);
        return counter;
    }

    public void Gauge(string name, string help, Func<IEnumerable<(string Labels, double Value)>> read) =>
        Register(new GaugeMetric(name, help, read));

    public void Gauge(string name, string help, Func<double> read) =>
        Register(new GaugeMetric(name, help, () => [("", read())]));

    public string Render()
    {
        var text = new StringBuilder();
        Metric[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _metrics];
        }

        foreach (var metric in snapshot)
        {
            text.Append("# HELP ").Append(metric.Name).Append(' ').Append(Escape(metric.Help)).Append('\n');
            text.Append("# TYPE ").Append(metric.Name).Append(' ').Append(metric.Type).Append('\n');
            foreach (var (labels, value) in metric.Samples())
            {
                text.Append(metric.Name);
                if (labels.Length > 0)
                {
                    text.Append('{').Append(labels).Append('}');
                }

                text.Append(' ').Append(Format(value)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Formats a label set <c>a="x",b="y"</c> with the escaping the format requires.</summary>
    public static string Labels(params (string Name, string Value)[] labels) =>
        string.Join(',', labels.Select(l => $"{l.Name}=\"{l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\""));

    private void Register(Metric metric)
    {
        lock (_gate)
        {
            if (_metrics.Any(m => m.Name == metric.Name))
            {
                throw new InvalidOperationException($"metric {metric.Name} is registered twice");
            }

            _metrics.Add(metric);
        }
    }

    private static string Escape(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class GaugeMetric(string name, string help, Func<IEnumerable<(string Labels, double Value)>> read) : Metric(name, help, "gauge")
    {
        public override IEnumerable<(string Labels, double Value)> Samples() => read();
    }
}

/// <summary>A named metric with its samples.</summary>
internal abstract class Metric(string name, string help, string type)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    public string Type { get; } = type;

    public abstract IEnumerable<(string Labels, double Value)> Samples();
}

/// <summary>A monotonically increasing count; lock-free.</summary>
internal sealed class Counter(string name, string help) : Metric(name, help, "counter")
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Increment(long by = 1) => Interlocked.Add(ref _value, by);

    public override IEnumerable<(string Labels, double Value)> Samples() => [("", Value)];
}
