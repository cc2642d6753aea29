using System.Text;
using Prometheus;

namespace Fleet.Gateway.Metrics;

/// <summary>
/// The gateway's counters and gauges on a prometheus-net registry of its own (not the library's static default, so
/// two gateways in one process — tests — never share series). Only this folder sees prometheus-net; call sites get
/// Fleet's <see cref="Counter"/> and register gauges as callbacks sampled at each scrape. The names are part of what
/// operators build dashboards and alerts on: they are listed in README.md and stay stable.
/// </summary>
internal sealed class MetricsRegistry
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly IMetricFactory _factory;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _names = [];

    public MetricsRegistry() => _factory = Prometheus.Metrics.WithCustomRegistry(_registry);

    /// <summary>The content type of <see cref="Render"/>'s text (Prometheus text exposition format 0.0.4).</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public Counter Counter(string name, string help)
    {
        Claim(name);
        return new Counter(_factory.CreateCounter(name, help));
    }

    public void Gauge(string name, string help, Func<double> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        Claim(name);
        var gauge = _factory.CreateGauge(name, help);
        _registry.AddBeforeCollectCallback(() => gauge.Set(read()));
    }

    /// <summary>
    /// A gauge with one label whose series are whatever <paramref name="read"/> returns at the scrape: a label value
    /// it no longer returns disappears from the exposition rather than keeping its last value.
    /// </summary>
    public void Gauge(string name, string help, string labelName, Func<IEnumerable<(string Label, double Value)>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        Claim(name);
        var gauge = _factory.CreateGauge(name, help, [labelName]);
        _registry.AddBeforeCollectCallback(() =>
        {
            var current = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (label, value) in read())
            {
                gauge.WithLabels(label).Set(value);
                current.Add(label);
            }

            foreach (var stale in gauge.GetAllLabelValues().Where(values => !current.Contains(values[0])).ToList())
            {
                gauge.RemoveLabelled(stale);
            }
        });
    }

    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken) =>
        await _registry.CollectAndExportAsTextAsync(destination, cancellationToken).ConfigureAwait(false);

    public string Render()
    {
        using var buffer = new MemoryStream();
        WriteAsync(buffer, CancellationToken.None).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private void Claim(string name)
    {
        lock (_gate)
        {
            if (!_names.Add(name))
            {
                throw new InvalidOperationException($"metric {name} is registered twice");
            }
        }
    }
}
