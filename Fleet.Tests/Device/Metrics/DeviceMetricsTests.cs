using System.Net;
using System.Net.Sockets;
using Fleet.Device.Hardware;
using Fleet.Device.Metrics;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Metrics;

/// <summary>The metrics as Prometheus sees them: prometheus-net's exposition scraped over HTTP from the agent's endpoint.</summary>
public sealed class DeviceMetricsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Scrape_ShowsWindowsHealsQueueAndTemperature_UnderTheirDocumentedNames()
    {
        var metrics = new DeviceMetrics();
        var hot = new SimulatedSensors(Path.Combine(_dir.Path, "hot"));
        hot.SetTemperature(71.5);
        var queue = 7;
        metrics.Track("d-hot", () => queue, new SysfsSensors(hot.Root));
        metrics.Track("d-bare", () => 0, new SysfsSensors(Path.Combine(_dir.Path, "no-sensors")));
        metrics.Window("d-hot", 100, Verdict(kl: 0.25, p50Us: 700, p99Us: 2500));
        metrics.Window("d-hot", 200, Verdict(kl: 0.5, p50Us: 800, p99Us: 3000));
        // The model side restarted and counts from 0 again: the counter must not go backwards.
        metrics.Window("d-hot", 40, Verdict(kl: 0.5, p50Us: 800, p99Us: 3000));
        metrics.Heal("d-hot", Diagnosis.Hardware, HealOutcome.Healed);
        metrics.Heal("d-hot", Diagnosis.Hardware, HealOutcome.Healed);
        metrics.Heal("d-hot", Diagnosis.DataDrift, HealOutcome.Unhealable);

        var text = await ScrapeAsync(metrics);

        Assert.Contains("fleet_device_inferences_total{device=\"d-hot\"} 240", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_inference_latency_seconds{device=\"d-hot\",quantile=\"0.5\"} 0.0008", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_inference_latency_seconds{device=\"d-hot\",quantile=\"0.99\"} 0.003", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_kl{device=\"d-hot\"} 0.5", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_heals_total{device=\"d-hot\",diagnosis=\"hardware\",outcome=\"healed\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_heals_total{device=\"d-hot\",diagnosis=\"dataDrift\",outcome=\"unhealable\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_queue_depth{device=\"d-hot\"} 7", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_temperature_celsius{device=\"d-hot\"} 71.5", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fleet_device_temperature_celsius{device=\"d-bare\"}", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_queue_depth{device=\"d-bare\"} 0", text, StringComparison.Ordinal);

        queue = 3;
        hot.SetTemperature(60);
        text = await ScrapeAsync(metrics);
        Assert.Contains("fleet_device_queue_depth{device=\"d-hot\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("fleet_device_temperature_celsius{device=\"d-hot\"} 60", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredI2cSensors_ShowWhetherTheyAnswer()
    {
        var metrics = new DeviceMetrics();
        var bus = Enumerable.Range(200, 50).First(b => !File.Exists($"/dev/i2c-{b}"));
        using var board = BoardSensors.Open([new BoardSensorSpec(BoardSensorKind.Bme280, bus, 0x76)], new Hardware.RecordingLogger());
        using var pi = new PiSensors(new CpuTemperatureSource(), new SysfsSensors(), board);
        metrics.Track("pi", () => 0, pi);

        var text = await ScrapeAsync(metrics);

        Assert.Contains($"fleet_device_sensor_answering{{device=\"pi\",sensor=\"bme280@{bus}:0x76\"}} 0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fleet_device_board_temperature_celsius{", text, StringComparison.Ordinal);
    }

    [Fact]
    public void APortAlreadyTaken_IsAClearProblem_NotACrash()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (endpoint, problem) = MetricsEndpoint.Start(port, new DeviceMetrics());
        endpoint?.Dispose();
        Assert.Null(endpoint);
        Assert.Contains($"port {port}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEndpoint_AnswersOtherPathsAndMethodsWithErrors_AndSurvivesGarbageAndSilentClients()
    {
        var port = FreePort();
        var (endpoint, problem) = MetricsEndpoint.Start(port, new DeviceMetrics(), IPAddress.Loopback);
        Assert.True(endpoint is not null, problem);
        using (endpoint)
        {
            using var silent = new TcpClient();
            await silent.ConnectAsync(IPAddress.Loopback, port);
            using (var garbage = new TcpClient())
            {
                await garbage.ConnectAsync(IPAddress.Loopback, port);
                await garbage.GetStream().WriteAsync("\u0001\u0002 not http\r\n\r\n"u8.ToArray());
                var answer = await new StreamReader(garbage.GetStream()).ReadToEndAsync();
                Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"http://127.0.0.1:{port}/")).StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _http.PostAsync($"http://127.0.0.1:{port}/metrics", new StringContent(""))).StatusCode);
            var scrape = await _http.GetAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
            Assert.Contains("# TYPE fleet_device_inferences_total counter", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private async Task<string> ScrapeAsync(DeviceMetrics metrics)
    {
        var port = FreePort();
        var (endpoint, problem) = MetricsEndpoint.Start(port, metrics, IPAddress.Loopback);
        Assert.True(endpoint is not null, problem);
        using (endpoint)
        {
            return await _http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static WindowVerdict Verdict(double kl, double p50Us, double p99Us) =>
        new(1, HealTrigger.None, kl, 0.5, 0.1, 3, 0, p50Us, p99Us, p50Us, null, [], false, true, false, []);
}
