using Fleet.Gateway.Metrics;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Api;

public sealed class MetricsRegistryTests(ITestOutputHelper output)
{
    [Fact]
    public void Render_WritesPrometheusTextFormat()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("fleet_messages_total", "Messages ingested");
        counter.Increment(3);
        registry.Gauge("fleet_devices", "Devices by health", "health", () => [("healthy", 7), ("we\"ird", 0.5)]);

        var text = registry.Render();
        output.WriteLine(text);

        Assert.Equal(3, counter.Value);
        Assert.Equal(
            [
                "# HELP fleet_devices Devices by health",
                "# HELP fleet_messages_total Messages ingested",
                "# TYPE fleet_devices gauge",
                "# TYPE fleet_messages_total counter",
                "fleet_devices{health=\"healthy\"} 7",
                "fleet_devices{health=\"we\\\"ird\"} 0.5",
                "fleet_messages_total 3",
            ],
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Render_LabelNoLongerRead_DisappearsFromTheExposition()
    {
        var registry = new MetricsRegistry();
        (string, double)[] samples = [("healthy", 2), ("healing", 1)];
        registry.Gauge("fleet_devices", "Devices by health", "health", () => samples);
        Assert.Contains("fleet_devices{health=\"healing\"} 1", registry.Render(), StringComparison.Ordinal);

        samples = [("healthy", 3)];
        var text = registry.Render();

        Assert.Contains("fleet_devices{health=\"healthy\"} 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("healing", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var registry = new MetricsRegistry();
        registry.Counter("x_total", "x");
        Assert.Throws<InvalidOperationException>(() => registry.Counter("x_total", "again"));
    }
}
