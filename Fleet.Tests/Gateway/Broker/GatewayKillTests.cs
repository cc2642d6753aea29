using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Broker;

/// <summary>kill -9 of a gateway process: its managed broker dies with it, and a restart on the same data directory is ready with one broker and the devices' sessions.</summary>
public sealed class GatewayKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fleet-kill-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _httpPort = MosquittoBroker.FreeLoopbackPort();
    private readonly int _brokerPort = MosquittoBroker.FreeLoopbackPort();
    private readonly List<(Process Process, StringBuilder Output)> _gateways = [];

    private string BrokerDirectory => Path.Combine(_data, "broker");

    [Fact]
    public async Task KilledGateway_TakesItsBrokerAlong_AndARestartIsReady_WithOneBroker_AndTheDeviceSessionKept()
    {
        var first = StartGateway();
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        await WaitReadyAsync(anonymous, first, TimeSpan.FromSeconds(60));
        var brokerPid = BrokerPid();

        var id = "kill-" + Guid.NewGuid().ToString("N")[..8];
        var connectedAt = DateTime.UtcNow;
        await using (var device = await TestDevice.ConnectAsync(_brokerPort, id))
        {
            await device.StatusAsync();
            await device.ReportAsync();
            using var reader = Client(anonymous.BaseAddress!);
            await Eventually.TrueAsync(async () => (await reader.GetAsync($"/api/v1/devices/{id}")).StatusCode == HttpStatusCode.OK, "the device registered");

            // The broker has saved the device's session (subscriptions) once its persistence file is newer than the connect.
            var db = Path.Combine(BrokerDirectory, "mosquitto.db");
            await Eventually.TrueAsync(() => File.Exists(db) && File.GetLastWriteTimeUtc(db) > connectedAt.AddSeconds(1), "the broker's autosave after the device subscribed");

            first.Process.Kill();
            await first.Process.WaitForExitAsync();
            await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{brokerPid}"), "the killed gateway's broker to die with it", TimeSpan.FromSeconds(10));
        }

        var second = StartGateway();
        await WaitReadyAsync(anonymous, second, TimeSpan.FromSeconds(10));
        Assert.Single(BrokersOnThisDirectory());
        Assert.NotEqual(brokerPid, BrokerPid());

        // A command queued while the device is away reaches it through its persistent session when it comes back.
        using var operatorClient = Client(anonymous.BaseAddress!);
        var command = operatorClient.PostAsJsonAsync($"/api/v1/devices/{id}/commands", new { name = "reportNow", timeoutSeconds = 30 });
        await using var back = await TestDevice.ConnectAsync(_brokerPort, id, subscribe: false);
        var answer = await command;
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        Assert.True((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        output.WriteLine($"kill -9: broker pid {brokerPid} gone with its gateway; restart ready, {BrokersOnThisDirectory().Count} broker on the directory, session kept");
    }

    [Fact]
    public async Task SecondGatewayOnALiveGatewaysDirectory_RefusesWithAClearMessage()
    {
        var first = StartGateway();
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        await WaitReadyAsync(anonymous, first, TimeSpan.FromSeconds(60));

        var second = StartGateway(httpPort: MosquittoBroker.FreeLoopbackPort(), brokerPort: MosquittoBroker.FreeLoopbackPort());
        await second.Process.WaitForExitAsync();

        Assert.NotEqual(0, second.Process.ExitCode);
        Assert.Contains("belongs to a running gateway", second.Output.ToString(), StringComparison.Ordinal);
        Assert.Single(BrokersOnThisDirectory());
    }

    private HttpClient Client(Uri baseAddress)
    {
        var credentials = Fleet.Shared.Security.CredentialsFile.Read(Path.Combine(_data, Fleet.Shared.Security.CredentialsFile.FileName));
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credentials["operator"]);
        return client;
    }

    private (Process Process, StringBuilder Output) StartGateway(int? httpPort = null, int? brokerPort = null)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "fleet-gateway")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--urls", $"http://127.0.0.1:{(httpPort ?? _httpPort).ToString(CultureInfo.InvariantCulture)}",
            "--Fleet:DataDirectory", _data, "--Fleet:BrokerPort", (brokerPort ?? _brokerPort).ToString(CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _gateways.Add((process, output));
        return (process, output);
    }

    private static async Task WaitReadyAsync(HttpClient client, (Process Process, StringBuilder Output) gateway, TimeSpan within)
    {
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (gateway.Process.HasExited)
                {
                    // The output is appended by the process's reader threads: read it under their lock.
                    lock (gateway.Output)
                    {
                        Assert.Fail("the gateway exited: " + gateway.Output);
                    }
                }
                try
                {
                    return (await client.GetAsync("/api/v1/health/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the gateway ready", within);
        }
        catch (TimeoutException ex)
        {
            lock (gateway.Output)
            {
                throw new TimeoutException(ex.Message + ": " + gateway.Output, ex);
            }
        }
    }

    private int BrokerPid() => int.Parse(File.ReadAllText(Path.Combine(BrokerDirectory, "owner.pid")).Split(' ')[0], CultureInfo.InvariantCulture);

    private List<int> BrokersOnThisDirectory()
    {
        var conf = Path.Combine(BrokerDirectory, "mosquitto.conf");
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                    if (cmdline.Contains("mosquitto", StringComparison.Ordinal) && cmdline.Contains(conf, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return found;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (process, _) in _gateways)
        {
            if (!process.HasExited)
            {
                _ = NativeSignals.Terminate(process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
