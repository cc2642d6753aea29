using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Chaos 3: a node frozen with SIGSTOP long enough to be downed by the others, then resumed with SIGCONT. It must not
/// go on acting as the owner of its former shards: its process exits (a downed node shuts down), and the shards' MQTT
/// sessions are not taken back and forth between it and their new owners.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed partial class ClusterPausedNodeTests(ITestOutputHelper output)
{
    /// <summary>
    /// Session takeovers of one shard allowed from the resume on: the resumed node's client may get one reconnect in
    /// before it learns it was downed, and the owner then takes the session back once. More is a tug of war.
    /// </summary>
    private const int TakeoverBound = 2;

    [Fact]
    public async Task PausedNode_DownedThenResumed_ExitsInsteadOfStealingItsShardsBack()
    {
        var prefix = "cp" + Guid.NewGuid().ToString("N")[..4];
        var ids = GatewayClusterFixture.DeviceIds(prefix, 6);
        await using var fleet = await GatewayClusterFixture.StartAsync(3, ids, verboseBrokerLog: true);
        await fleet.StartAgentsAsync(prefix, ids.Count, "--fps", "100", "--window", "80", "--faults", "random:6");
        foreach (var id in ids)
        {
            await fleet.DeviceWhenAsync(0, id, AgentProbe.OnlineWithVocoder, "online and reporting");
        }

        // The busiest node other than the oldest (the oldest also runs the singletons; chaos 4 covers its death).
        var health = await fleet.WaitWholeAsync();
        var paused = GatewayClusterFixture.MostLoaded([.. health.Where(h => h.Node != 0)]);
        var node = fleet.Cluster.Nodes[paused];
        fleet.Cluster.Pause(paused);
        fleet.Cluster.ExpectGone(paused);
        // The others down it and take its shards: the cluster of the two is whole.
        await fleet.WaitWholeAsync();

        var logBeforeResume = BrokerLog(fleet).Length;
        fleet.Cluster.Resume(paused);
        using (var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await node.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"node {paused} was downed and resumed but did not shut down within 60 s:\n{fleet.Cluster.Describe(await fleet.Cluster.HealthAsync([0, 1, 2]))}");
            }
        }

        var whole = await fleet.WaitWholeAsync();
        Assert.DoesNotContain(whole, h => h.Node == paused);
        var afterResume = BrokerLog(fleet)[logBeforeResume..];
        var takeovers = Takeover().Matches(afterResume).GroupBy(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"paused node {paused}, exit code {node.ExitCode}; session takeovers after the resume: "
            + (takeovers.Count == 0 ? "none" : string.Join(", ", takeovers.OrderBy(t => t.Key).Select(t => $"shard {t.Key}: {t.Value}"))));
        Assert.All(takeovers, t => Assert.True(t.Value <= TakeoverBound, $"fleet-gw-shard-{t.Key} was taken over {t.Value} times after the resume:\n{afterResume[^Math.Min(afterResume.Length, 4000)..]}"));

        // Every device still answers through the survivors, and nothing acknowledged is lost.
        foreach (var survivor in fleet.Cluster.LiveNodes)
        {
            foreach (var id in ids)
            {
                var (ok, body) = await fleet.CommandAsync(survivor, id);
                Assert.True(ok, $"{id} did not answer through node {survivor}: {body}");
            }
        }

        await fleet.WaitAllStoredAsync(fleet.Acknowledged(), TimeSpan.FromSeconds(60));
    }

    private static string BrokerLog(GatewayClusterFixture fleet)
    {
        using var stream = new FileStream(fleet.Cluster.Broker.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"Client fleet-gw-shard-(\d+) already connected, closing old connection")]
    private static partial Regex Takeover();
}
