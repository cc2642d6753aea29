using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Security;
using Fleet.Shared.Servers;

namespace Fleet.Cli.Demo;

/// <summary><c>fleet demo</c>: brings up the managed broker and a gateway from a source checkout and says where to look.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var rootOption = new Option<string>("--root") { Description = "Repository root (set by ./fleet)", DefaultValueFactory = _ => Directory.GetCurrentDirectory() };
        var portOption = new Option<int>("--port") { Description = "HTTP port of the gateway (0 = a free port)", DefaultValueFactory = _ => 5080 };
        var forOption = new Option<int>("--for") { Description = "Stop by itself after this many seconds (0 = until Ctrl-C)" };
        var verboseOption = new Option<bool>("--verbose") { Description = "Echo the gateway's and devices' logs" };
        var devicesOption = new Option<int>("--devices") { Description = "Simulated devices to run (0 = none)", DefaultValueFactory = _ => 50 };
        var faultsOption = new Option<string>("--faults")
        {
            Description = "Fault schedule for the simulated devices (see fleet-device --help)",
            DefaultValueFactory = _ => "random:0.5",
        };
        var command = new Command("demo", "Run the broker, the gateway and simulated devices locally and print where to look")
        {
            rootOption, portOption, forOption, verboseOption, devicesOption, faultsOption,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new DemoSettings(parse.GetValue(rootOption)!, parse.GetValue(portOption), parse.GetValue(forOption), parse.GetValue(verboseOption),
                parse.GetValue(devicesOption), parse.GetValue(faultsOption)!),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        var (root, port, seconds, verbose) = (settings.Root, settings.Port, settings.Seconds, settings.Verbose);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Devices);
        var configuration = Environment.GetEnvironmentVariable("FLEET_CONFIGURATION") ?? "Release";
        var gatewayBinary = Path.Combine(root, "Fleet.Gateway", "bin", configuration, "net10.0", "fleet-gateway");
        var deviceBinary = Path.Combine(root, "Fleet.Device", "bin", configuration, "net10.0", "fleet-device");
        if (!File.Exists(gatewayBinary))
        {
            await Console.Error.WriteLineAsync($"fleet demo: {gatewayBinary} is missing; run ./fleet demo from the repository root so it builds first.");
            return 2;
        }

        var dataDirectory = Path.Combine(root, "data", "demo");
        Directory.CreateDirectory(dataDirectory);
        if (port == 0 || !MosquittoBroker.IsPortFree("127.0.0.1", port))
        {
            port = MosquittoBroker.FreeLoopbackPort();
        }

        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var gatewayLog = Path.Combine(dataDirectory, "gateway.log");
        Console.WriteLine($"Starting the Fleet gateway with its managed Mosquitto broker (data: {dataDirectory}) …");
        await using var gateway = ChildProcess.Start("gateway", gatewayBinary,
            ["--urls", url, "--Fleet:DataDirectory", dataDirectory], gatewayLog, verbose);

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
        var ready = await WaitReadyAsync(http, gateway, cancellationToken).ConfigureAwait(false);
        if (ready is null)
        {
            await Console.Error.WriteLineAsync($"fleet demo: the gateway did not become ready; its log is {gatewayLog}:");
            foreach (var line in File.ReadLines(gatewayLog).TakeLast(20))
            {
                await Console.Error.WriteLineAsync("  " + line);
            }

            return 1;
        }

        var broker = ready.Value.GetProperty("broker");
        var brokerPort = broker.GetProperty("port").GetInt32();
        var credentials = DemoCredentials.Read(Path.Combine(dataDirectory, CredentialsFile.FileName));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credentials.Operator);

        var devicesLog = Path.Combine(dataDirectory, "devices.log");
        var keyPath = Path.Combine(dataDirectory, "fleet-key.pub.pem");
        if (settings.Devices > 0)
        {
            await File.WriteAllTextAsync(keyPath, await http.GetStringAsync("/api/v1/fleet/key", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Starting {settings.Devices} simulated devices (faults: {settings.Faults}) …");
        }

        // Declared after the gateway so it is disposed first: devices stop before their broker does.
        await using var devices = settings.Devices == 0 ? null : ChildProcess.Start("devices", deviceBinary,
            ["--simulate", settings.Devices.ToString(CultureInfo.InvariantCulture), "--broker", $"127.0.0.1:{brokerPort.ToString(CultureInfo.InvariantCulture)}",
             "--data", Path.Combine(dataDirectory, "devices"), "--fleet-key", keyPath, "--id-prefix", "demo", "--window", "100", "--faults", settings.Faults],
            devicesLog, verbose);

        Console.WriteLine();
        Console.WriteLine("Fleet is up. Where to look:");
        Console.WriteLine($"  Dashboard       {url}/   (log in with the operator token below)");
        Console.WriteLine($"  Gateway API     {url}/api/v1/fleet/summary   (Authorization: Bearer <token>)");
        Console.WriteLine($"  Operator token  {credentials.Operator}   (read-only: {credentials.Reader}; both in {Path.Combine(dataDirectory, CredentialsFile.FileName)})");
        Console.WriteLine($"  MQTT broker     mqtt://{broker.GetProperty("host").GetString()}:{brokerPort}  (try: ./fleet mqtt sub -p {brokerPort} -t 'fleet/v1/s/+/+/events' -v)");
        Console.WriteLine($"  CLI             FLEET_URL={url} FLEET_TOKEN={credentials.Operator} ./fleet devices list");
        Console.WriteLine($"  Logs            {gatewayLog}{(devices is null ? "" : ", " + devicesLog)}");
        Console.WriteLine();
        Console.WriteLine(seconds > 0 ? $"Stopping by itself in {seconds} s." : "Press Ctrl-C to stop.");

        try
        {
            var wait = seconds > 0 ? Task.Delay(TimeSpan.FromSeconds(seconds), CliClock.Time, cancellationToken) : Task.Delay(Timeout.InfiniteTimeSpan, CliClock.Time, cancellationToken);
            var nextSummary = CliClock.Time.GetUtcNow().AddSeconds(5);
            while (!wait.IsCompleted)
            {
                await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(500), CliClock.Time, cancellationToken)).ConfigureAwait(false);
                if (gateway.HasExited)
                {
                    await Console.Error.WriteLineAsync($"fleet demo: the gateway exited with code {gateway.ExitCode}; see {gatewayLog}");
                    return 1;
                }

                if (devices is { HasExited: true })
                {
                    await Console.Error.WriteLineAsync($"fleet demo: the simulated devices exited with code {devices.ExitCode}; see {devicesLog}");
                    return 1;
                }

                if (CliClock.Time.GetUtcNow() >= nextSummary)
                {
                    nextSummary = CliClock.Time.GetUtcNow().AddSeconds(5);
                    Console.WriteLine(await DemoSummary.FetchLineAsync(http, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: fall through to a clean stop.
        }

        Console.WriteLine("Stopping …");
        return 0;
    }

    private static async Task<JsonElement?> WaitReadyAsync(HttpClient http, ChildProcess gateway, CancellationToken cancellationToken)
    {
        var deadline = CliClock.Time.GetUtcNow().AddSeconds(60);
        while (CliClock.Time.GetUtcNow() < deadline && !gateway.HasExited)
        {
            try
            {
                return await http.GetFromJsonAsync<JsonElement>("/api/v1/health/ready", cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CliClock.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out; the gateway is still starting.
            }
        }

        return null;
    }
}
