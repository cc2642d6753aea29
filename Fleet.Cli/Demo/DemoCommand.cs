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
        var dataOption = new Option<string?>("--data") { Description = "Data directory (default ROOT/data/demo)" };
        var brokerPortOption = new Option<int>("--broker-port")
        {
            Description = $"MQTT port of the managed broker (default: the last run's, else {DemoBrokerPort.Default}, else a free one; written to DATA/{DemoBrokerPort.FileName})",
        };
        var fpsOption = new Option<double>("--fps") { Description = "Inference frames per second of each simulated device", DefaultValueFactory = _ => 20 };
        var badCanaryOption = new Option<bool>("--bad-canary") { Description = "Also roll out a bad version: its canary fails and the rollout is rolled back" };
        var noStoryOption = new Option<bool>("--no-story") { Description = "Only run the fleet: register no models, distil and roll out nothing" };
        var nodesOption = new Option<int>("--nodes")
        {
            Description = $"Gateway nodes: 1 = one gateway with its managed broker; {DemoCluster.MinNodes}…{DemoCluster.MaxNodes} = a cluster on PostgreSQL and one broker (default data ROOT/data/demo-nodes; --port is node 1's, the others follow)",
            DefaultValueFactory = _ => 1,
        };
        var killNodeAfterOption = new Option<int>("--kill-node-after") { Description = "With --nodes: kill -9 the node hosting the most ingress shards this many seconds after the fleet is up, and report the hand-off" };
        var command = new Command("demo", "Run the broker, the gateway and simulated devices locally, then show the story: heals, insights, a distilled version, a canary rollout")
        {
            rootOption, portOption, forOption, verboseOption, devicesOption, faultsOption, dataOption, brokerPortOption, fpsOption, badCanaryOption, noStoryOption,
            nodesOption, killNodeAfterOption,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new DemoSettings(parse.GetValue(rootOption)!, parse.GetValue(portOption), parse.GetValue(forOption), parse.GetValue(verboseOption),
                parse.GetValue(devicesOption), parse.GetValue(faultsOption)!)
            {
                DataDirectory = parse.GetValue(dataOption),
                BrokerPort = parse.GetValue(brokerPortOption),
                FramesPerSecond = parse.GetValue(fpsOption),
                BadCanary = parse.GetValue(badCanaryOption),
                Story = !parse.GetValue(noStoryOption),
                Nodes = parse.GetValue(nodesOption),
                KillNodeAfter = parse.GetValue(killNodeAfterOption),
            },
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DemoSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (root, port, seconds, verbose) = (settings.Root, settings.Port, settings.Seconds, settings.Verbose);
        if (settings.Devices is < 0 or > 10000 || settings.Seconds < 0 || settings.BrokerPort is < 0 or > 65535 || !double.IsFinite(settings.FramesPerSecond) || settings.FramesPerSecond <= 0)
        {
            await error.WriteLineAsync("fleet demo: --devices must be 0…10000, --for and --broker-port not negative, --fps a positive number");
            return 2;
        }

        if (settings.Nodes != 1 && settings.Nodes is < DemoCluster.MinNodes or > DemoCluster.MaxNodes)
        {
            await error.WriteLineAsync($"fleet demo: --nodes must be 1 (one gateway) or {DemoCluster.MinNodes}…{DemoCluster.MaxNodes} (a cluster), not {settings.Nodes}");
            return 2;
        }

        if (settings.KillNodeAfter < 0 || (settings.KillNodeAfter > 0 && settings.Nodes == 1))
        {
            await error.WriteLineAsync("fleet demo: --kill-node-after takes a positive number of seconds and needs --nodes 2 or more (one gateway has no survivor to hand off to)");
            return 2;
        }

        var configuration = Environment.GetEnvironmentVariable("FLEET_CONFIGURATION") ?? "Release";
        var gatewayBinary = Path.Combine(root, "Fleet.Gateway", "bin", configuration, "net10.0", "fleet-gateway");
        var deviceBinary = Path.Combine(root, "Fleet.Device", "bin", configuration, "net10.0", "fleet-device");
        if (!File.Exists(gatewayBinary))
        {
            await Console.Error.WriteLineAsync($"fleet demo: {gatewayBinary} is missing; run ./fleet demo from the repository root so it builds first.");
            return 2;
        }

        if (settings.Nodes > 1)
        {
            return await DemoClusterRun.RunAsync(settings, gatewayBinary, deviceBinary, output, error, cancellationToken).ConfigureAwait(false);
        }

        var dataDirectory = Path.GetFullPath(settings.DataDirectory ?? Path.Combine(root, "data", "demo"));
        Directory.CreateDirectory(dataDirectory);
        if (port == 0 || !MosquittoBroker.IsPortFree("127.0.0.1", port))
        {
            port = MosquittoBroker.FreeLoopbackPort();
        }

        int brokerPort;
        string? brokerNote;
        try
        {
            (brokerPort, brokerNote) = DemoBrokerPort.Choose(dataDirectory, settings.BrokerPort);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync("fleet demo: " + ex.Message);
            return 2;
        }

        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var gatewayLog = Path.Combine(dataDirectory, "gateway.log");
        Console.WriteLine($"Starting the Fleet gateway with its managed Mosquitto broker (password authentication, per-device ACL; data: {dataDirectory}) …");
        if (brokerNote is not null)
        {
            Console.WriteLine("  " + brokerNote);
        }

        await using var gateway = ChildProcess.Start("gateway", gatewayBinary,
            ["--urls", url, "--Fleet:DataDirectory", dataDirectory, "--Fleet:BrokerAuthentication", "true", "--Fleet:BrokerPort", brokerPort.ToString(CultureInfo.InvariantCulture)],
            gatewayLog, verbose);

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
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
        var brokerHost = broker.GetProperty("host").GetString()!;
        brokerPort = broker.GetProperty("port").GetInt32();
        await DemoBrokerPort.WriteAsync(dataDirectory, brokerHost, brokerPort, cancellationToken).ConfigureAwait(false);
        var credentials = DemoCredentials.Read(Path.Combine(dataDirectory, CredentialsFile.FileName));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credentials.Operator);
        var deviceIds = Enumerable.Range(1, settings.Devices).Select(i => string.Create(CultureInfo.InvariantCulture, $"{DevicePrefix}-{i:000}")).ToList();
        var story = settings.Story ? new DemoStory(http, Console.Out, deviceIds, settings.BadCanary) : null;
        if (story is not null)
        {
            try
            {
                await story.RegisterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"fleet demo: could not register the reference models: {ex.Message} (gateway log: {gatewayLog})");
                return 1;
            }
        }

        var devicesLog = Path.Combine(dataDirectory, "devices.log");
        var keyPath = Path.Combine(dataDirectory, "fleet-key.pub.pem");
        var passwordsPath = Path.Combine(dataDirectory, DemoDevicePasswords.FileName);
        if (settings.Devices > 0)
        {
            await File.WriteAllTextAsync(keyPath, await http.GetStringAsync("/api/v1/fleet/key", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            int issued;
            try
            {
                issued = await DemoDevicePasswords.EnsureAsync(http, passwordsPath, deviceIds, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or JsonException or KeyNotFoundException)
            {
                await Console.Error.WriteLineAsync($"fleet demo: could not provision the simulated devices: {ex.Message} (gateway log: {gatewayLog})");
                return 1;
            }

            Console.WriteLine($"Devices log in with their own broker password (username = device id; {issued} provisioned now through the gateway's API, the rest kept in {passwordsPath}).");
            Console.WriteLine($"Starting {settings.Devices} simulated devices (faults: {settings.Faults}) …");
        }

        // Declared after the gateway so it is disposed first: devices stop before their broker does.
        await using var devices = settings.Devices == 0 ? null : ChildProcess.Start("devices", deviceBinary,
            ["--simulate", settings.Devices.ToString(CultureInfo.InvariantCulture), "--broker", $"{brokerHost}:{brokerPort.ToString(CultureInfo.InvariantCulture)}",
             "--data", Path.Combine(dataDirectory, "devices"), "--fleet-key", keyPath, "--id-prefix", DevicePrefix, "--window", "100",
             "--fps", settings.FramesPerSecond.ToString(CultureInfo.InvariantCulture), "--faults", settings.Faults, "--password-file", passwordsPath],
            devicesLog, verbose);

        Console.WriteLine();
        Console.WriteLine("Fleet is up. Where to look:");
        Console.WriteLine($"  Dashboard       {url}/   (log in with the operator token below; Models shows versions, lineage and rollouts)");
        Console.WriteLine($"  Gateway API     {url}/api/v1/fleet/summary   (Authorization: Bearer <token>)");
        Console.WriteLine($"  Operator token  {credentials.Operator}   (read-only: {credentials.Reader}; both in {Path.Combine(dataDirectory, CredentialsFile.FileName)})");
        Console.WriteLine($"  MQTT broker     mqtt://{brokerHost}:{brokerPort}  (also in {DemoBrokerPort.PathIn(dataDirectory)}; clients log in: ./fleet devices provision ID gives a device its password)");
        Console.WriteLine($"  CLI             FLEET_URL={url} FLEET_TOKEN={credentials.Operator} ./fleet models list");
        Console.WriteLine($"  Logs            {gatewayLog}{(devices is null ? "" : ", " + devicesLog)}");
        Console.WriteLine();
        Console.WriteLine(seconds > 0 ? $"Stopping by itself in {seconds} s." : "Press Ctrl-C to stop.");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var storyTask = story is null || devices is null ? Task.FromResult(true) : RunStoryAsync(story, stop.Token);
        var storyReported = story is null || devices is null;
        var exit = 0;
        try
        {
            var wait = seconds > 0 ? Task.Delay(TimeSpan.FromSeconds(seconds), CliClock.Time, cancellationToken) : Task.Delay(Timeout.InfiniteTimeSpan, CliClock.Time, cancellationToken);
            var nextSummary = CliClock.Time.GetUtcNow().UtcDateTime.AddSeconds(5);
            var summary = new DemoSummary();
            var incidents = new DemoIncidents();
            await incidents.NewLinesAsync(http, cancellationToken).ConfigureAwait(false);
            while (!wait.IsCompleted)
            {
                await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(500), CliClock.Time, cancellationToken), storyReported ? wait : storyTask).ConfigureAwait(false);
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

                if (!storyReported && storyTask.IsCompleted)
                {
                    storyReported = true;
                    exit = await storyTask.ConfigureAwait(false) ? 0 : 1;
                    Console.WriteLine(exit == 0
                        ? $"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ The story is told; the fleet keeps running (faults and heals go on). {(seconds > 0 ? "" : "Ctrl-C stops.")}"
                        : $"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ The story stopped short (see above and {gatewayLog}); the fleet keeps running.");
                }

                if (CliClock.Time.GetUtcNow().UtcDateTime >= nextSummary)
                {
                    nextSummary = CliClock.Time.GetUtcNow().UtcDateTime.AddSeconds(5);
                    Console.WriteLine(await summary.FetchLineAsync(http, cancellationToken).ConfigureAwait(false));
                    foreach (var incident in await incidents.NewLinesAsync(http, cancellationToken).ConfigureAwait(false))
                    {
                        Console.WriteLine($"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ {incident}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: fall through to a clean stop.
        }

        await stop.CancelAsync().ConfigureAwait(false);
        Console.WriteLine("Stopping …");
        return exit;
    }

    /// <summary>Simulated devices are named <c>demo-001</c>…</summary>
    public const string DevicePrefix = "demo";

    private static async Task<bool> RunStoryAsync(DemoStory story, CancellationToken cancellationToken)
    {
        try
        {
            return await story.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or JsonException or KeyNotFoundException or TaskCanceledException)
        {
            Console.WriteLine($"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ the story failed: {ex.Message}");
            return false;
        }
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
