using Fleet.Gateway.Api.Metrics;
using Fleet.Gateway.Metrics;

namespace Fleet.Tests.Gateway.Api;

public sealed class MetricsRegistryTests
{
    [Fact]
    public void Render_WritesPrometheusTextFormat()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("fleet_messages_total", "Messages ingested");
        counter.Increment(3);
        registry.Gauge("fleet_devices", "Devices by health", () =>
            [(MetricsRegistry.Labels(("health", "healthy")), 7), (MetricsRegistry.Labels(("health", "we\"ird")), 0.5)]);

        var text = registry.Render();

        Assert.Equal(
            "# HELP fleet_messages_total Messages ingested\n# TYPE fleet_messages_total counter\nfleet_messages_total 3\n" +
            "# HELP fleet_devices Devices by health\n# TYPE fleet_devices gauge\nfleet_devices{health=\"healthy\"} 7\nfleet_devices{health=\"we\\\"ird\"} 0.5\n",
            text);
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var registry = new MetricsRegistry();
        registry.Counter("x_total", "x");
        Assert.Throws<InvalidOperationException>(() => registry.Counter("x_total", "again"));
    }
}
