using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// The real agent process with <c>--metrics-port</c>: Prometheus text scraped over HTTP shows its inferences,
/// its heal of an injected bit flip, queue depth and temperature; its JSON log file names the device.
/// </summary>
public sealed partial class RealAgentMetricsTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task TheAgentsMetricsEndpoint_ShowsItsWork_AndItsLogFileNamesTheDevice()
    {
        var data = Directory.CreateTempSubdirectory("fleet-agent-metrics-").FullName;
        var prefix = "m" + Guid.NewGuid().ToString("N")[..4];
        var device = AgentProcess.DeviceId(prefix, 1);
        var port = FreePort();
        var logs = Path.Combine(data, "logs");
        await using var agent = AgentProcess.Single(
            "--simulate", "1", "--id-prefix", prefix, "--broker", $"127.0.0.1:{broker.Port}", "--data", Path.Combine(data, "devices"),
            "--fps", "200", "--window", "100", "--faults", "bitflip:exponent@1s", "--metrics-port", port.ToString(CultureInfo.InvariantCulture), "--log-dir", logs);
        using var http = new HttpClient();
        try
        {
            agent.Start();
            string? last = null;
            var text = await WithLogOnTimeout(agent, () => last, Eventually.ValueAsync(async () =>
            {
                agent.ThrowIfExited();
                try
                {
                    last = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                }
                catch (HttpRequestException)
                {
                    return null;
                }

                return last.Contains($"fleet_device_heals_total{{device=\"{device}\",diagnosis=\"hardware\",outcome=\"healed\"}} 1", StringComparison.Ordinal) ? last : null;
            }, $"{device}'s heal of the bit flip on /metrics", TimeSpan.FromSeconds(90)));

            var inferences = Inferences().Match(text);
            Assert.True(inferences.Success, text);
            Assert.True(double.Parse(inferences.Groups[1].Value, CultureInfo.InvariantCulture) >= 100, text);
            Assert.Contains($"fleet_device_temperature_celsius{{device=\"{device}\"}} 45", text, StringComparison.Ordinal);
            Assert.Contains($"fleet_device_queue_depth{{device=\"{device}\"}}", text, StringComparison.Ordinal);
            Assert.Contains($"fleet_device_kl{{device=\"{device}\"}}", text, StringComparison.Ordinal);

            // The heal's log event may reach the file a moment after the counter moved: wait for it, do not race it.
            await Eventually.TrueAsync(async () =>
            {
                var logFile = Assert.Single(Directory.GetFiles(logs, "fleet-device-*.clef"));
                await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return lines.Where(l => l.EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement).Any(e =>
                    e.TryGetProperty("DeviceId", out var id) && id.GetString() == device
                    && e.GetProperty("@mt").GetString()!.Contains("heal", StringComparison.Ordinal));
            }, $"a heal event naming {device} in its log file");
        }
        finally
        {
            await agent.StopAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task ARealDeviceWithoutTheConfiguredLedOrSensor_SaysSoOnce_AndKeepsServing()
    {
        var data = Directory.CreateTempSubdirectory("fleet-agent-pi-").FullName;
        var device = "pi-" + Guid.NewGuid().ToString("N")[..6];
        var bus = Enumerable.Range(200, 50).First(b => !File.Exists($"/dev/i2c-{b}"));
        var sensor = $"bme280@{bus}:0x76";
        var port = FreePort();
        var hasGpio = Directory.GetFiles("/dev", "gpiochip*").Length > 0;
        await using var agent = AgentProcess.Single(
            "--device-id", device, "--broker", $"127.0.0.1:{broker.Port}", "--data", data, "--fps", "200", "--window", "100",
            "--status-led", "17", "--i2c-sensor", $"bme280:{bus}:0x76", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient();
        try
        {
            agent.Start();
            // Every scrape reads the sensors again; three scrapes after the model serves are three more silent reads.
            for (var scrapes = 0; scrapes < 3;)
            {
                agent.ThrowIfExited();
                var text = await WithLogOnTimeout(agent, () => null, Eventually.ValueAsync(async () =>
                {
                    agent.ThrowIfExited();
                    try
                    {
                        var body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                        return body.Contains("fleet_device_inferences_total", StringComparison.Ordinal) ? body : null;
                    }
                    catch (HttpRequestException)
                    {
                        return null;
                    }
                }, $"{device} serving, on /metrics", TimeSpan.FromSeconds(90)));
                Assert.Contains($"fleet_device_sensor_answering{{device=\"{device}\",sensor=\"{sensor}\"}} 0", text, StringComparison.Ordinal);
                scrapes++;
            }

            var log = agent.Log();
            Assert.False(agent.HasExited, log);
            Assert.Equal(1, Occurrences(log, $"I²C sensor {sensor} does not answer"));
            Assert.Contains($"/dev/i2c-{bus}", log, StringComparison.Ordinal);
            if (hasGpio)
            {
                Assert.Equal(1, Occurrences(log, "status LED on GPIO 17"));
            }
            else
            {
                Assert.Equal(1, Occurrences(log, "status LED on GPIO 17 is off: this machine has no GPIO controller"));
            }
        }
        finally
        {
            await agent.StopAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> WithLogOnTimeout(AgentProcess agent, Func<string?> last, Task<string> waiting)
    {
        try
        {
            return await waiting;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast scrape:\n{last()}\nagent log tail:\n{agent.Log()}", ex);
        }
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^fleet_device_inferences_total\{device=""[^""]+""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Inferences();
}
