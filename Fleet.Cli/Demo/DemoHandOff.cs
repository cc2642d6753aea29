using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Cli.Demo;

/// <summary>
/// Watches the gateway nodes of <c>fleet demo --nodes N</c>. First it waits until every device's twin is online through
/// every node's API (the region answers for any device on any node) and keeps a snapshot of each twin (reported state,
/// heal history). When a node's process dies it notes the time and asks every device for a report (<c>reportNow</c>,
/// through the surviving nodes' APIs) until each has answered: a command reaches the device through its twin and the
/// answer comes back through its shard's ingress session, so the last answer is when every shard ingests again on a
/// survivor — the hand-off. Then it checks that no device lost its twin: still there, with its reported state and the
/// heal history it had before.
/// </summary>
internal sealed class DemoHandOff(IReadOnlyList<DemoNode> nodes, IReadOnlyList<string> devices, string operatorToken, TextWriter output) : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<int, HttpClient> _clients = nodes.ToDictionary(n => n.Number, n => Client(n.Url, operatorToken));
    private readonly List<Result> _results = [];
    private readonly TaskCompletionSource _baseline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, Twin> _before = new(StringComparer.Ordinal);

    /// <summary>What a node's death did: when, how long until every device answered again, and which twins came through.</summary>
    internal sealed record Result(int Node, int Pid, DateTimeOffset DiedAt, TimeSpan? HandOff, int Answered, int Devices, int TwinsKept, IReadOnlyList<string> Lost);

    /// <summary>A device's twin as one node's API showed it.</summary>
    internal sealed record Twin(bool Present, bool Online, bool Reported, IReadOnlyList<string> HealIds);

    /// <summary>Completes once every device was seen online through every live node.</summary>
    public Task Baseline => _baseline.Task;

    public IReadOnlyList<Result> Results
    {
        get
        {
            lock (_results)
            {
                return [.. _results];
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BaselineAsync(cancellationToken).ConfigureAwait(false);
            var watching = nodes.ToDictionary(n => n.Process.Exited, n => n);
            while (!cancellationToken.IsCancellationRequested && watching.Count > 0)
            {
                var refresh = Task.Delay(Refresh, CliClock.Time, cancellationToken);
                var first = await Task.WhenAny([.. watching.Keys, refresh]).ConfigureAwait(false);
                if (first is Task<DateTimeOffset> exited && watching.Remove(exited, out var node))
                {
                    await MeasureAsync(node, await exited.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
                else if (first.IsCompletedSuccessfully && nodes.FirstOrDefault(n => n.Alive) is { } live)
                {
                    var snapshot = await SnapshotAsync(live, cancellationToken).ConfigureAwait(false);
                    if (snapshot.Count == devices.Count)
                    {
                        _before = snapshot;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The demo is stopping.
        }
    }

    /// <summary>The summary lines: one per node that died.</summary>
    public IReadOnlyList<string> SummaryLines() => [.. Results.Select(Describe)];

    /// <summary>The node to kill: the one hosting the most ingress shards (<c>shards.hosted</c> of its readiness probe), else node 1.</summary>
    /// <returns>The node number and what its readiness probe said it hosts (null when the gateway does not report it).</returns>
    internal static (int Node, int? Hosted) ChooseVictim(IReadOnlyList<(int Node, bool Alive, JsonElement? Ready)> answers)
    {
        var hosted = answers.Where(a => a.Alive).Select(a => (a.Node, Hosted: HostedShards(a.Ready))).ToList();
        if (hosted.Where(h => h.Hosted is not null).OrderByDescending(h => h.Hosted).ThenBy(h => h.Node).FirstOrDefault() is { Hosted: not null } most)
        {
            return most;
        }

        return (hosted.Select(h => h.Node).DefaultIfEmpty(1).Min(), null);
    }

    /// <summary>Asks every live node's readiness probe and chooses the node to kill (<see cref="ChooseVictim"/>).</summary>
    public async Task<(DemoNode Node, int? Hosted)> ChooseVictimAsync(CancellationToken cancellationToken)
    {
        var answers = new List<(int, bool, JsonElement?)>();
        foreach (var node in nodes)
        {
            JsonElement? ready = null;
            if (node.Alive)
            {
                try
                {
                    using var response = await _clients[node.Number].GetAsync("/api/v1/health/ready", cancellationToken).ConfigureAwait(false);
                    ready = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // No answer: its shards are not counted.
                }
            }

            answers.Add((node.Number, node.Alive, ready));
        }

        var (number, hosted) = ChooseVictim(answers);
        return (nodes.First(n => n.Number == number), hosted);
    }

    /// <summary>Whether the device kept its twin across the death: present, with reported state if it had one, and the heals it had (the newest of them still listed).</summary>
    internal static bool Kept(Twin? before, Twin after) =>
        after.Present
        && (before is null || ((!before.Reported || after.Reported) && (before.HealIds.Count == 0 || (after.HealIds.Contains(before.HealIds[0]) && after.HealIds.Count >= before.HealIds.Count))));

    internal static string Describe(Result result)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"node {result.Node} (pid {result.Pid}) died at {result.DiedAt.ToLocalTime():HH:mm:ss}: ");
        var handOff = result.HandOff is { } seconds
            ? string.Create(CultureInfo.InvariantCulture, $"hand-off {seconds.TotalSeconds:0.0} s — every device ({result.Devices}) answered again through a surviving node")
            : string.Create(CultureInfo.InvariantCulture, $"NO HAND-OFF yet — {result.Answered} of {result.Devices} devices answered again through a surviving node");
        var twins = result.Lost.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"; no device lost its twin ({result.TwinsKept}/{result.Devices} twins kept their reported state and heal history)")
            : string.Create(CultureInfo.InvariantCulture, $"; {result.Lost.Count} twin(s) LOST or changed: {string.Join(", ", result.Lost.Take(10))}");
        return head + handOff + (result.HandOff is null ? "" : twins);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private async Task BaselineAsync(CancellationToken cancellationToken)
    {
        var lastProgress = CliClock.Time.GetUtcNow();
        while (true)
        {
            var live = nodes.Where(n => n.Alive).ToList();
            var views = new List<(DemoNode Node, Dictionary<string, Twin> Twins)>();
            foreach (var node in live)
            {
                views.Add((node, await SnapshotAsync(node, cancellationToken).ConfigureAwait(false)));
            }

            var online = views.Select(v => (v.Node, Online: v.Twins.Values.Count(t => t.Online))).ToList();
            if (live.Count > 0 && online.All(o => o.Online == devices.Count))
            {
                _before = views[0].Twins;
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"✔ all {devices.Count} devices online through every node ({string.Join(", ", live.Select(n => n.Name))}): any node's API answers for any device"));
                _baseline.TrySetResult();
                return;
            }

            if (CliClock.Time.GetUtcNow() - lastProgress > TimeSpan.FromSeconds(15))
            {
                lastProgress = CliClock.Time.GetUtcNow();
                Say("  devices online so far: " + string.Join(", ", online.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Online}/{devices.Count} through {o.Node.Name}"))));
            }

            await Task.Delay(TimeSpan.FromSeconds(1), CliClock.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MeasureAsync(DemoNode dead, DateTimeOffset diedAt, CancellationToken cancellationToken)
    {
        Say(string.Create(CultureInfo.InvariantCulture,
            $"{dead.Name} (pid {dead.Pid}) died at {diedAt.ToLocalTime():HH:mm:ss.f} — asking every device to answer through the surviving nodes …"));
        var answered = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var turn = 0;
        Result Current(TimeSpan? handOff, int kept, IReadOnlyList<string> lost)
        {
            lock (answered)
            {
                return new Result(dead.Number, dead.Pid, diedAt, handOff, answered.Count, devices.Count, kept, lost);
            }
        }

        lock (_results)
        {
            _results.Add(Current(null, 0, []));
        }

        void Update(Result result)
        {
            lock (_results)
            {
                _results[_results.FindLastIndex(r => r.Node == dead.Number && r.DiedAt == diedAt)] = result;
            }
        }

        while (answered.Count < devices.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var survivors = nodes.Where(n => n.Alive).ToList();
            if (survivors.Count == 0)
            {
                Say($"no gateway node is alive: {dead.Name}'s devices have nowhere to go");
                return;
            }

            List<string> pending;
            lock (answered)
            {
                pending = [.. devices.Where(d => !answered.ContainsKey(d))];
            }

            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (device, token) =>
            {
                var via = survivors[Interlocked.Increment(ref turn) % survivors.Count];
                if (await AnswersAsync(via, device, token).ConfigureAwait(false))
                {
                    lock (answered)
                    {
                        answered[device] = CliClock.Time.GetUtcNow();
                    }
                }
            }).ConfigureAwait(false);
            Update(Current(null, 0, []));
            if (answered.Count < devices.Count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CliClock.Time, cancellationToken).ConfigureAwait(false);
            }
        }

        var handOff = answered.Values.Max() - diedAt;
        var through = nodes.First(n => n.Alive);
        var after = await SnapshotAsync(through, cancellationToken).ConfigureAwait(false);
        var lost = devices.Where(d => !after.TryGetValue(d, out var twin) || !Kept(_before.GetValueOrDefault(d), twin)).ToList();
        var result = Current(handOff < TimeSpan.Zero ? TimeSpan.Zero : handOff, devices.Count - lost.Count, lost);
        Update(result);
        Say((lost.Count == 0 ? "✔ " : "✘ ") + Describe(result));
    }

    private async Task<bool> AnswersAsync(DemoNode via, string device, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _clients[via.Number].PostAsJsonAsync(
                $"/api/v1/devices/{Uri.EscapeDataString(device)}/commands",
                new { name = "reportNow", timeoutSeconds = CommandTimeout.TotalSeconds },
                cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Every device's twin as <paramref name="node"/>'s API shows it (devices it could not answer for are missing).</summary>
    private async Task<Dictionary<string, Twin>> SnapshotAsync(DemoNode node, CancellationToken cancellationToken)
    {
        var twins = new Dictionary<string, Twin>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (device, token) =>
        {
            try
            {
                using var response = await _clients[node.Number].GetAsync($"/api/v1/devices/{Uri.EscapeDataString(device)}", token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return;
                }

                var detail = await response.Content.ReadFromJsonAsync<JsonElement>(token).ConfigureAwait(false);
                var twin = Read(detail);
                lock (twins)
                {
                    twins[device] = twin;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException || (ex is TaskCanceledException && !token.IsCancellationRequested))
            {
                // Not answered through this node now.
            }
        }).ConfigureAwait(false);
        return twins;
    }

    /// <summary>A device detail (<c>GET /api/v1/devices/{id}</c>) as a <see cref="Twin"/>.</summary>
    internal static Twin Read(JsonElement detail)
    {
        var heals = detail.TryGetProperty("heals", out var h) && h.ValueKind == JsonValueKind.Array
            ? h.EnumerateArray().Select(e => e.GetProperty("id").GetString() ?? "").ToList()
            : [];
        if (!detail.TryGetProperty("twin", out var twin) || twin.ValueKind != JsonValueKind.Object)
        {
            return new Twin(false, false, false, heals);
        }

        var online = twin.TryGetProperty("online", out var o) && o.ValueKind == JsonValueKind.True;
        var reported = twin.TryGetProperty("reported", out var r) && r.ValueKind == JsonValueKind.Object;
        return new Twin(true, online, reported, heals);
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static int? HostedShards(JsonElement? ready) =>
        ready is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("shards", out var shards) && shards.ValueKind == JsonValueKind.Object
        && shards.TryGetProperty("hosted", out var hosted) && hosted.ValueKind == JsonValueKind.Array
            ? hosted.GetArrayLength()
            : null;

    private void Say(string message)
    {
        lock (output)
        {
            output.WriteLine($"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  ▶ {message}");
        }
    }
}
