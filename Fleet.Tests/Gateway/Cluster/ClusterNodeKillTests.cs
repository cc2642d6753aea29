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
        await using var fleet = await GatewayClusterFixture.StartAsync(3, ids);
        await fleet.StartAgentsAsync(prefix, Devices, "--fps", "100", "--window", "80", "--faults", "random:6");
        foreach (var id in ids)
        {
            await fleet.DeviceWhenAsync(0, id, AgentProbe.OnlineWithVocoder, "online and reporting");
        }

        // Heals and insights flow before the kill, so some are in flight across it.
        await Eventually.TrueAsync(() => Count<HealEvent>(fleet) >= 10 && Count<InsightEvent>(fleet) >= 1, "ten heal events and an insight acknowledged", TimeSpan.FromSeconds(90));
        var before = await fleet.WaitWholeAsync();
        var victim = GatewayClusterFixture.MostLoaded(before);
        var ackedAtKill = fleet.Acknowledged().Count;
        await fleet.Cluster.Kill9Async(victim);

        var after = await fleet.WaitWholeAsync();
        Assert.DoesNotContain(after, h => h.Node == victim);
        // Ingest goes on after the hand-off: more heals acknowledged and stored.
        var healsAtKill = Count<HealEvent>(fleet);
        await Eventually.TrueAsync(() => { fleet.ThrowIfAgentExited(); return Count<HealEvent>(fleet) >= healsAtKill + 10; }, "ten more heal events acknowledged after the kill", TimeSpan.FromSeconds(90));

        var acked = fleet.Acknowledged();
        await fleet.WaitAllStoredAsync(acked, TimeSpan.FromSeconds(60));

        foreach (var node in fleet.Cluster.LiveNodes)
        {
            foreach (var id in ids)
            {
                await fleet.DeviceWhenAsync(node, id, AgentProbe.OnlineWithVocoder, "online and reporting after the kill");
                var (ok, body) = await fleet.CommandAsync(node, id);
                Assert.True(ok, $"{id} did not answer reportNow through node {node}: {body}");
            }
        }

        output.WriteLine($"killed node {victim} ({before.First(h => h.Node == victim).Hosted?.Count ?? before.First(h => h.Node == victim).Connected} sessions); "
            + $"{acked.Count} messages acknowledged ({ackedAtKill} before the kill): {Count<HealEvent>(acked)} heal events, {Count<InsightEvent>(acked)} insights, "
            + $"{acked.Count(a => a.Kind == TopicKind.Report)} reports; all stored; {Devices} devices answered on nodes {string.Join(",", fleet.Cluster.LiveNodes)}");
    }

    private static int Count<T>(GatewayClusterFixture fleet)
        where T : DeviceEvent => Count<T>(fleet.Acknowledged());

    private static int Count<T>(IReadOnlyList<AckedMessage> acked)
        where T : DeviceEvent => acked.Count(a => a.Message is T);
}
