using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Cli.Demo;

/// <summary><c>fleet demo</c>: brings up the managed broker and a gateway from a source checkout and says where to look.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var rootOption = new Option<string>("--root") { Description = "Repository root (set by ./fleet)", DefaultValueFactory = _ => Directory.GetCurrentDirectory() };
        var portOption = new Option<int>("--port") { Description = "HTTP port of the gateway (0 = a free port)", DefaultValueFactory = _ => 5080 };
        var forOption = new Option<int>("--for") { Description = "Stop by itself after this many seconds (0 = until Ctrl-C)" };
        var verboseOption = new Option<bool>("--verbose") { Description = "Echo the gateway's log" };
        var command = new Command("demo", "Run the broker and the gateway locally and print where to look")
        {
            rootOption, portOption, forOption, verboseOption,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(rootOption)!, parse.GetValue(portOption), parse.GetValue(forOption), parse.GetValue(verboseOption), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string root, int port, int seconds, bool verbose, CancellationToken cancellationToken)
    {
        var configuration = Environment.GetEnvironmentVariable("FLEET_CONFIGURATION") ?? "Release";
        var gatewayBinary = Path.Combine(root, "Fleet.Gateway", "bin", configuration, "net10.0", "fleet-gateway");
        if (!File.Exists(gatewayBinary))
        {
            await Console.Error.WriteLineAsync($"fleet demo: {gatewayBinary} is missing; run ./fleet demo from the repository root so it builds first.");
            return 2;
        }

        var dataDirectory = Path.Combine(root, "data", "demo");
        Directory.CreateDirectory(dataDirectory);
        if (port == 0 || !PortIsFree(port))
        {
            port = Shared.Servers.MosquittoBroker.FreeLoopbackPort();
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
        Console.WriteLine();
        Console.WriteLine("Fleet is up. Where to look:");
        Console.WriteLine($"  Gateway API     {url}/api/v1/health/ready");
        Console.WriteLine($"  MQTT broker     mqtt://{broker.GetProperty("host").GetString()}:{broker.GetProperty("port").GetInt32()}  (try: ./fleet mqtt sub -p {broker.GetProperty("port").GetInt32()} -t 'fleet/#' -v)");
        Console.WriteLine($"  Gateway log     {gatewayLog}");
        Console.WriteLine();
        Console.WriteLine(seconds > 0 ? $"Stopping by itself in {seconds} s." : "Press Ctrl-C to stop.");

        try
        {
            var wait = seconds > 0 ? Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
            while (!wait.IsCompleted)
            {
                await Task.WhenAny(wait, Task.Delay(500, cancellationToken)).ConfigureAwait(false);
                if (gateway.HasExited)
                {
                    await Console.Error.WriteLineAsync($"fleet demo: the gateway exited with code {gateway.ExitCode}; see {gatewayLog}");
                    return 1;
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
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !gateway.HasExited)
        {
            try
            {
                return await http.GetFromJsonAsync<JsonElement>("/api/v1/health/ready", cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out; the gateway is still starting.
            }
        }

        return null;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
