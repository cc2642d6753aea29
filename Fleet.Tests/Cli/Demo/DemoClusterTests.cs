using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Cli;
using Fleet.Shared.Security;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Cli.Demo;

/// <summary>
/// <c>fleet demo --nodes 3</c> with the built gateway and device agent as child processes: PostgreSQL and one
/// authenticating Mosquitto under the demo's directory, three gateway nodes in one cluster, four simulated devices. Each
/// node's URL and pid are printed; every device is online through every node's API; a node killed with kill -9 (as the
/// printed "try:" line suggests) is noticed, the hand-off is reported and no twin is lost; Ctrl-C leaves no process behind.
/// </summary>
public sealed partial class DemoClusterTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(240);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("fleet-demo-nodes-");

    public DemoClusterTests()
    {
        // Run as root, PostgreSQL runs as user postgres, which must reach {data}/postgres (a temp subdirectory is 0700).
        File.SetUnixFileMode(_data.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task DemoWithThreeNodes_PrintsEachNode_ServesEveryDeviceThroughEveryNode_AndReportsTheHandOffOfAKilledNode()
    {
        var output = new LockedWriter();
        var error = new LockedWriter();
        using var stop = new CancellationTokenSource();
        string[] devices = ["demo-001", "demo-002", "demo-003", "demo-004"];
        var brokerPort = MosquittoBroker.FreeLoopbackPort();
        var demo = Task.Run(() => CliRoot.Create().Parse(
        [
            "demo", "--root", RepositoryRoot(), "--data", _data.FullName, "--nodes", "3", "--port", "0",
            "--broker-port", brokerPort.ToString(CultureInfo.InvariantCulture),
            "--devices", devices.Length.ToString(CultureInfo.InvariantCulture), "--fps", "50", "--no-story", "--for", "1200",
        ]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token));
        var nodes = new List<(int Number, Uri Url, int Pid)>();
        int exit;
        try
        {
            await OutputAsync(demo, output, error, "try: kill -9 ", "the nodes printed");
            nodes = [.. NodeLine().Matches(output.Text).Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), new Uri(m.Groups[2].Value), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))];
            Assert.Equal([1, 2, 3], nodes.Select(n => n.Number));
            Assert.Equal(3, nodes.Select(n => n.Url).Distinct().Count());
            Assert.Contains($"try: kill -9 {nodes[2].Pid}", output.Text, StringComparison.Ordinal);
            var token = CredentialsFile.Read(Path.Combine(_data.FullName, "secrets", CredentialsFile.FileName))["operator"];

            // Every device answers through every node: its twin, wherever the cluster placed it, online.
            foreach (var node in nodes)
            {
                using var http = Client(node.Url, token);
                foreach (var device in devices)
                {
                    await Eventually.TrueAsync(async () => Twin(await GetAsync(http, $"/api/v1/devices/{device}")) is { } twin && twin.GetProperty("online").GetBoolean(),
                        $"{device} online through node {node.Number}", StepTimeout);
                }
            }

            await OutputAsync(demo, output, error, "all 4 devices online through every node", "the demo's own check of every node");

            // kill -9 a node, as the printed line suggests: the demo notes it and reports the hand-off.
            var victim = nodes[1];
            Assert.True(NativeSignals.ForceKill(victim.Pid), "kill -9 node 2");
            await OutputAsync(demo, output, error, $"node 2 (pid {victim.Pid}) died at", "the death noticed");
            var report = await OutputAsync(demo, output, error, "every device (4) answered again through a surviving node", "the hand-off reported");
            Assert.Contains($"✔ node 2 (pid {victim.Pid}) died at", report, StringComparison.Ordinal);
            Assert.Matches(@"hand-off \d+\.\d s", report);
            Assert.Contains("no device lost its twin (4/4 twins kept their reported state and heal history)", report, StringComparison.Ordinal);

            // And the survivors answer for every device.
            foreach (var node in nodes.Where(n => n.Number != 2))
            {
                using var http = Client(node.Url, token);
                foreach (var device in devices)
                {
                    Assert.NotNull(Twin(await GetAsync(http, $"/api/v1/devices/{device}")));
                }
            }
        }
        finally
        {
            // Stopped like Ctrl-C; awaited so its processes are gone before the data directory is removed.
            await stop.CancelAsync();
            exit = await demo;
        }

        Assert.True(exit == 0, $"exit {exit}: {error.Text}\n{output.Text}");
        Assert.Contains("Hand-off summary:", output.Text, StringComparison.Ordinal);
        Assert.Matches(@"\n  node 2 \(pid \d+\) died at [0-9:]+: hand-off \d+\.\d s", output.Text);
        Assert.All(nodes, n => Assert.False(Alive(n.Pid), $"node {n.Number} (pid {n.Pid}) still runs"));
        Assert.False(File.Exists(Path.Combine(_data.FullName, "postgres", "postmaster.pid")), "PostgreSQL stopped");
        Assert.True(MosquittoBroker.IsPortFree("127.0.0.1", brokerPort), "the broker stopped");
    }

    private static HttpClient Client(Uri url, string token)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<JsonElement?> GetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static JsonElement? Twin(JsonElement? detail) =>
        detail is { } d && d.TryGetProperty("twin", out var twin) && twin.ValueKind == JsonValueKind.Object ? twin : null;

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The first output line containing <paramref name="text"/>, once the demo printed it; fails when the demo exits first.</summary>
    private static async Task<string> OutputAsync(Task<int> demo, LockedWriter output, LockedWriter error, string text, string what)
    {
        try
        {
            return await Eventually.ValueAsync(async () =>
            {
                if (output.Text.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }

                if (demo.IsCompleted)
                {
                    throw new InvalidOperationException($"the demo exited with code {await demo} while waiting for {what}: {error.Text}\n{output.Text}");
                }

                return null;
            }, what, StepTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the demo printed:\n{output.Text}\n{error.Text}", ex);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no Fleet.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"node (\d)\s+dashboard (http://127\.0\.0\.1:\d+)/\s+pid (\d+)")]
    private static partial Regex NodeLine();

    /// <summary>A writer the demo's threads write to while the test reads what it printed.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }
}
