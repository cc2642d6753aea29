using Fleet.Shared.Protocol;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Chaos 1: three gateway processes, twenty real agents streaming telemetry, reports, heal events and insights; kill -9
/// of the node holding the most ingress sessions. Nothing the brokers acknowledged to a device is lost, the sessions
/// come back on the survivors, and every device answers through every surviving node.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class ClusterNodeKillTests(ITestOutputHelper output)
{
    private const int Devices = 20;

    [Fact]
    public async Task KillNineOfTheBusiestNode_LosesNothingAcknowledged_AndEveryDeviceAnswersOnEverySurvivor()
    {
        var prefix = "ck" + Guid.NewGuid().ToString("N")[..4];
        var ids = GatewayClusterFixture.DeviceIds(prefix, Devices);
        var fleet = await GatewayClusterFixture.StartAsync(3, ids);
        var pids = new List<int>();
        await using (fleet)
        {
            pids.AddRange(fleet.Cluster.Nodes.Select(n => n.ProcessId!.Value));
            fleet.Phase("cluster whole");
            await RunAsync(fleet, prefix, ids);
        }

        // The launcher leaves no gateway behind.
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"gateway process {pid} outlived the cluster"));
    }

    private async Task RunAsync(GatewayClusterFixture fleet, string prefix, IReadOnlyList<string> ids)
    {
        // The broker's password file and ACL are in force: a device without its password is refused.
        await Assert.ThrowsAnyAsync<Exception>(() => TestDevice.ConnectAsync(fleet.Cluster.Broker.Port, ids[0]));
        await fleet.StartAgentsAsync(prefix, Devices, "--fps", "100", "--window", "80", "--faults", "random:6");
        foreach (var id in ids)
        {
            await fleet.DeviceWhenAsync(0, id, GatewayClusterFixture.OnlineAndReporting, "online and reporting");
        }

        fleet.Phase("devices online");
        // Heals and insights flow before the kill, so some are in flight across it.
        await Eventually.TrueAsync(() => Count<HealEvent>(fleet) >= 5 && Count<InsightEvent>(fleet) >= 1, "five heal events and an insight acknowledged", TimeSpan.FromSeconds(90));
        var before = await fleet.WaitWholeAsync();
        var victim = GatewayClusterFixture.MostLoaded(before);
        var ackedAtKill = fleet.Acknowledged().Count;
        fleet.Phase("heals and insights flowing");
        await fleet.Cluster.Kill9Async(victim);

        var after = await fleet.WaitWholeAsync();
        fleet.Phase($"whole again without node {victim}");
        Assert.DoesNotContain(after, h => h.Node == victim);
        // Ingest goes on after the hand-off: more heals acknowledged and stored.
        var healsAtKill = Count<HealEvent>(fleet);
        await Eventually.TrueAsync(() => { fleet.ThrowIfAgentExited(); return Count<HealEvent>(fleet) >= healsAtKill + 5; }, "five more heal events acknowledged after the kill", TimeSpan.FromSeconds(90));

        fleet.Phase("five more heals acknowledged");
        var acked = fleet.Acknowledged();
        await fleet.WaitAllStoredAsync(acked, TimeSpan.FromSeconds(60));
        fleet.Phase("every acknowledged message stored");

        foreach (var node in fleet.Cluster.LiveNodes)
        {
            await Task.WhenAll(ids.Select(async id =>
            {
                await fleet.DeviceWhenAsync(node, id, GatewayClusterFixture.OnlineAndReporting, "online and reporting after the kill");
                var (ok, body) = await fleet.CommandAsync(node, id);
                Assert.True(ok, $"{id} did not answer reportNow through node {node}: {body}");
            }));
        }

        fleet.Phase("every device answered on every survivor");

        output.WriteLine($"killed node {victim} ({before.First(h => h.Node == victim).Hosted?.Count ?? before.First(h => h.Node == victim).Connected} sessions); "
            + $"{acked.Count} messages acknowledged ({ackedAtKill} before the kill): {Count<HealEvent>(acked)} heal events, {Count<InsightEvent>(acked)} insights, "
            + $"{acked.Count(a => a.Kind == TopicKind.Report)} reports; all stored; {Devices} devices answered on nodes {string.Join(",", fleet.Cluster.LiveNodes)}\n{fleet.Phases}");
    }

    private static int Count<T>(GatewayClusterFixture fleet)
        where T : DeviceEvent => Count<T>(fleet.Acknowledged());

    private static int Count<T>(IReadOnlyList<AckedMessage> acked)
        where T : DeviceEvent => acked.Count(a => a.Message is T);
}
