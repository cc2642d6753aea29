using Fleet.Shared.Protocol;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// The launcher the chaos tests and <c>fleet bench cluster</c> stand on, on one node: PostgreSQL, the password/ACL
/// broker and a real gateway process; agents whose acknowledged messages (<c>--ack-journal</c>) are all found in the
/// store; kill -9, restart on the same ports, SIGSTOP/SIGCONT; and no process left behind.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class GatewayClusterLauncherTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneNode_StreamsIntoPostgres_SurvivesKillAndRestart_AndLeavesNoProcessBehind()
    {
        var prefix = "cl" + Guid.NewGuid().ToString("N")[..4];
        var ids = GatewayClusterFixture.DeviceIds(prefix, 3);
        int pid;
        await using (var fleet = await GatewayClusterFixture.StartAsync(1, ids))
        {
            var node = fleet.Cluster.Nodes[0];
            await fleet.StartAgentsAsync(prefix, ids.Count, "--fps", "100", "--window", "80", "--faults", "random:20");
            foreach (var id in ids)
            {
                await fleet.DeviceWhenAsync(0, id, AgentProbe.OnlineWithVocoder, "online and reporting");
            }

            // A device without its password is refused by the broker (the ACL and password file are in force).
            await Assert.ThrowsAnyAsync<Exception>(() => TestDevice.ConnectAsync(fleet.Cluster.Broker.Port, ids[0] + "x"));

            await Eventually.TrueAsync(() => fleet.Acknowledged().Count(a => a.Message is HealEvent) >= 3, "three heal events acknowledged", TimeSpan.FromSeconds(90));
            await fleet.Cluster.Kill9Async(0);
            Assert.False(node.IsRunning);
            await fleet.Cluster.RestartAsync(0);
            await fleet.WaitWholeAsync();
            Assert.Equal(2, node.Incarnation);

            fleet.Cluster.Pause(0);
            Assert.True(node.IsPaused);
            Assert.False((await fleet.Cluster.HealthAsync(0)).Reachable);
            fleet.Cluster.Resume(0);
            await fleet.WaitWholeAsync();

            var acked = fleet.Acknowledged();
            await fleet.WaitAllStoredAsync(acked, TimeSpan.FromSeconds(60));
            var (ok, body) = await fleet.CommandAsync(0, ids[0]);
            Assert.True(ok, body);
            pid = node.ProcessId!.Value;
            output.WriteLine($"{acked.Count} acknowledged messages ({acked.Count(a => a.Message is HealEvent)} heal events, {acked.Count(a => a.Message is InsightEvent)} insights, "
                + $"{acked.Count(a => a.Kind == TopicKind.Report)} reports) all in PostgreSQL across a kill -9 and a restart");
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"gateway process {pid} outlived the cluster's dispose");
    }
}
