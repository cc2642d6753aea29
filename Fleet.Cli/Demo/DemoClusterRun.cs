using System.Globalization;
using System.Text.Json;
using Fleet.Shared.Security;
using Fleet.Shared.Servers;

namespace Fleet.Cli.Demo;

/// <summary>
/// <c>fleet demo --nodes N</c> (2…5): PostgreSQL, one authenticating Mosquitto and N gateway nodes in one cluster
/// (<see cref="DemoCluster"/>), the simulated devices, then the same story as the single-gateway demo through whichever
/// node is alive (<see cref="FailoverHandler"/>). Every node's dashboard URL and pid are printed; <c>kill -9</c> one and
/// <see cref="DemoHandOff"/> reports the hand-off and that no device lost its twin; <c>--kill-node-after</c> does the
/// killing unattended. Ctrl-C or <c>--for</c> stops devices, nodes, broker and PostgreSQL.
/// </summary>
internal static class DemoClusterRun
{
    public static async Task<int> RunAsync(DemoSettings settings, string gatewayBinary, string deviceBinary, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(settings.DataDirectory ?? Path.Combine(settings.Root, "data", "demo-nodes"));
        Directory.CreateDirectory(dataDirectory);
        int brokerPort;
        string? brokerNote;
        try
        {
            (brokerPort, brokerNote) = DemoBrokerPort.Choose(dataDirectory, settings.BrokerPort);
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync("fleet demo: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        var deviceIds = Enumerable.Range(1, settings.Devices).Select(i => string.Create(CultureInfo.InvariantCulture, $"{DemoCommand.DevicePrefix}-{i:000}")).ToList();
        output.WriteLine($"Starting PostgreSQL, one Mosquitto broker (password authentication, per-device ACL) and {settings.Nodes} gateway nodes in one cluster (data: {dataDirectory}) …");
        if (brokerNote is not null)
        {
            output.WriteLine("  " + brokerNote);
        }

        DemoCluster cluster;
        try
        {
            cluster = await DemoCluster.StartInfrastructureAsync(dataDirectory, brokerPort, deviceIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or MosquittoUnavailableException or IOException)
        {
            await error.WriteLineAsync("fleet demo: could not start PostgreSQL and the broker: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        await using (cluster.ConfigureAwait(false))
        {
            await DemoBrokerPort.WriteAsync(dataDirectory, cluster.BrokerHost, cluster.BrokerPort, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"  PostgreSQL   127.0.0.1:{cluster.PostgresPort} (data {cluster.PostgresDirectory})");
            output.WriteLine($"  MQTT broker  mqtt://{cluster.BrokerHost}:{cluster.BrokerPort} (one for the fleet; devices log in with the passwords in {Path.Combine(dataDirectory, DemoDevicePasswords.FileName)})");
            try
            {
                await cluster.StartNodesAsync(gatewayBinary, settings.Nodes, settings.Port, settings.Verbose, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync("fleet demo: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C while the nodes start: the started ones, the broker and PostgreSQL are stopped on the way out.
                return 0;
            }

            var credentials = DemoCredentials.Read(Path.Combine(cluster.SecretsDirectory, CredentialsFile.FileName));
            using var http = new HttpClient(new FailoverHandler(cluster.Nodes)) { BaseAddress = FailoverHandler.Placeholder, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credentials.Operator);
            var story = settings.Story ? new DemoStory(http, output, deviceIds, settings.BadCanary) : null;
            if (story is not null)
            {
                try
                {
                    await story.RegisterAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
                {
                    await error.WriteLineAsync($"fleet demo: could not register the reference models: {ex.Message} (node logs: {dataDirectory}/node-*.log)").ConfigureAwait(false);
                    return 1;
                }
            }

            var devicesLog = Path.Combine(dataDirectory, "devices.log");
            var keyPath = Path.Combine(dataDirectory, "fleet-key.pub.pem");
            if (settings.Devices > 0)
            {
                await File.WriteAllTextAsync(keyPath, await http.GetStringAsync("api/v1/fleet/key", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                output.WriteLine($"Starting {settings.Devices} simulated devices (faults: {settings.Faults}) on the fleet's one broker …");
            }

            await using var devices = settings.Devices == 0 ? null : ChildProcess.Start("devices", deviceBinary,
                ["--simulate", settings.Devices.ToString(CultureInfo.InvariantCulture), "--broker", $"{cluster.BrokerHost}:{cluster.BrokerPort.ToString(CultureInfo.InvariantCulture)}",
                 "--data", Path.Combine(dataDirectory, "devices"), "--fleet-key", keyPath, "--id-prefix", DemoCommand.DevicePrefix, "--window", "100",
                 "--fps", settings.FramesPerSecond.ToString(CultureInfo.InvariantCulture), "--faults", settings.Faults,
                 "--password-file", Path.Combine(dataDirectory, DemoDevicePasswords.FileName)],
                devicesLog, settings.Verbose);

            output.WriteLine();
            output.WriteLine($"Fleet is up: {settings.Nodes} gateway nodes in one cluster ({DemoCluster.SplitBrainFor(settings.Nodes)} split-brain resolver), any node serves the whole fleet. Where to look:");
            foreach (var node in cluster.Nodes)
            {
                output.WriteLine($"  {node.Name,-7} dashboard {node.Url}/   pid {node.Pid}   remoting {DemoNode.Address(node.RemotingPort)}   log {node.LogFile}");
            }

            output.WriteLine($"  Operator token  {credentials.Operator}   (read-only: {credentials.Reader}; both in {Path.Combine(cluster.SecretsDirectory, CredentialsFile.FileName)}, shared by every node)");
            output.WriteLine($"  CLI             FLEET_URL={cluster.Nodes[0].Url} FLEET_TOKEN={credentials.Operator} ./fleet models list");
            output.WriteLine($"  Logs            {Path.Combine(dataDirectory, "node-*.log")}{(devices is null ? "" : ", " + devicesLog)}");
            output.WriteLine();
            output.WriteLine($"try: kill -9 {cluster.Nodes[^1].Pid}   (any node's pid: the demo notes the death, waits until every device answers through a surviving node and reports the hand-off)");
            output.WriteLine(settings.Seconds > 0 ? $"Stopping by itself in {settings.Seconds} s." : "Press Ctrl-C to stop.");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var handOff = new DemoHandOff(cluster.Nodes, deviceIds, credentials.Operator, output);
            var watch = devices is null ? Task.CompletedTask : handOff.RunAsync(stop.Token);
            var storyTask = story is null || devices is null ? Task.FromResult(true) : RunStoryAsync(story, output, stop.Token);
            var storyReported = story is null || devices is null;
            var exit = 0;
            var killed = settings.KillNodeAfter <= 0;
            var killAt = CliClock.Time.GetUtcNow().AddSeconds(settings.KillNodeAfter);
            var waitingNoted = false;
            try
            {
                var wait = settings.Seconds > 0 ? Task.Delay(TimeSpan.FromSeconds(settings.Seconds), CliClock.Time, cancellationToken) : Task.Delay(Timeout.InfiniteTimeSpan, CliClock.Time, cancellationToken);
                var nextSummary = CliClock.Time.GetUtcNow().AddSeconds(5);
                var summary = new DemoSummary(nodeLocal: true);
                var incidents = new DemoIncidents();
                await incidents.NewLinesAsync(http, cancellationToken).ConfigureAwait(false);
                while (!wait.IsCompleted)
                {
                    await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(500), CliClock.Time, cancellationToken), storyReported ? wait : storyTask).ConfigureAwait(false);
                    if (cluster.Nodes.All(n => !n.Alive))
                    {
                        await error.WriteLineAsync($"fleet demo: every gateway node has exited; see {Path.Combine(dataDirectory, "node-*.log")}").ConfigureAwait(false);
                        exit = 1;
                        break;
                    }

                    if (devices is { HasExited: true })
                    {
                        await error.WriteLineAsync($"fleet demo: the simulated devices exited with code {devices.ExitCode}; see {devicesLog}").ConfigureAwait(false);
                        exit = 1;
                        break;
                    }

                    if (!killed && CliClock.Time.GetUtcNow() >= killAt)
                    {
                        if (handOff.Baseline.IsCompleted || devices is null)
                        {
                            killed = true;
                            var (victim, hosted) = await handOff.ChooseVictimAsync(cancellationToken).ConfigureAwait(false);
                            Step(output, hosted is { } shards
                                ? $"--kill-node-after {settings.KillNodeAfter}: kill -9 {victim.Name} (pid {victim.Pid}), the node hosting the most ingress shards ({shards})"
                                : $"--kill-node-after {settings.KillNodeAfter}: kill -9 {victim.Name} (pid {victim.Pid}) (the nodes do not report the shards they host; node 1 it is)");
                            victim.Process.KillNow();
                        }
                        else if (!waitingNoted)
                        {
                            waitingNoted = true;
                            Step(output, $"--kill-node-after {settings.KillNodeAfter}: waiting until every device is online through every node before killing one");
                        }
                    }

                    if (!storyReported && storyTask.IsCompleted)
                    {
                        storyReported = true;
                        exit = await storyTask.ConfigureAwait(false) ? 0 : 1;
                        Step(output, exit == 0
                            ? $"The story is told; the fleet keeps running (faults and heals go on). {(settings.Seconds > 0 ? "" : "Ctrl-C stops.")}"
                            : $"The story stopped short (see above and {dataDirectory}/node-*.log); the fleet keeps running.");
                    }

                    if (CliClock.Time.GetUtcNow() >= nextSummary)
                    {
                        nextSummary = CliClock.Time.GetUtcNow().AddSeconds(5);
                        var alive = string.Join(" ", cluster.Nodes.Select(n => n.Alive ? n.Number.ToString(CultureInfo.InvariantCulture) : "✝" + n.Number.ToString(CultureInfo.InvariantCulture)));
                        output.WriteLine(await summary.FetchLineAsync(http, cancellationToken).ConfigureAwait(false) + $"  | nodes {alive}");
                        foreach (var incident in await incidents.NewLinesAsync(http, cancellationToken).ConfigureAwait(false))
                        {
                            Step(output, incident);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: fall through to a clean stop.
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            var results = handOff.SummaryLines();
            output.WriteLine();
            output.WriteLine(results.Count == 0 ? "Hand-off summary: no node died during the run." : "Hand-off summary:");
            foreach (var line in results)
            {
                output.WriteLine("  " + line);
            }

            if (settings.KillNodeAfter > 0 && (results.Count == 0 || handOff.Results.Any(r => r.HandOff is null || r.Lost.Count > 0)))
            {
                output.WriteLine("  --kill-node-after asked for a kill with a complete hand-off and every twin kept; this run did not show it.");
                exit = exit == 0 ? 1 : exit;
            }

            output.WriteLine("Stopping devices, gateway nodes, the broker and PostgreSQL …");
            return exit;
        }
    }

    private static async Task<bool> RunStoryAsync(DemoStory story, TextWriter output, CancellationToken cancellationToken)
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
            Step(output, $"the story failed: {ex.Message}");
            return false;
        }
    }

    private static void Step(TextWriter output, string message)
    {
        lock (output)
        {
            output.WriteLine($"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ {message}");
        }
    }
}
