using Akka.Actor;
using Akka.Configuration;
using Fleet.Gateway.Cluster;
using Fleet.Tests.Device.Hardware;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Two real cluster nodes in this process (loopback, OS-chosen ports): a node whose split brain settings differ from
/// the cluster's leaves it and its actor system terminates; the node that was there first stays and says why.
/// </summary>
public sealed class SplitBrainAgreementTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANodeWithOtherSplitBrainSettings_LeavesTheCluster_TheFirstNodeStays()
    {
        var first = new ClusterOptions();
        var second = new ClusterOptions { SplitBrain = SplitBrainStrategy.KeepOldest };
        var firstLog = new RecordingLogger();
        var secondLog = new RecordingLogger();
        using var a = await StartAsync(first, firstLog, join: null);
        using var b = await StartAsync(second, secondLog, join: Akka.Cluster.Cluster.Get(a).SelfAddress);

        await b.WhenTerminated.WaitAsync(Patience);

        Assert.Contains(secondLog.Messages(1116), m => m.Contains("this node joined last and leaves", StringComparison.Ordinal) && m.Contains(first.SplitBrainRole, StringComparison.Ordinal));
        Assert.Contains(firstLog.Messages(1116), m => m.Contains("that node joined last and leaves", StringComparison.Ordinal));
        Assert.False(a.WhenTerminated.IsCompleted);
        Assert.Equal(Akka.Cluster.MemberStatus.Up, Akka.Cluster.Cluster.Get(a).SelfMember.Status);
        await a.Terminate();
    }

    [Fact]
    public async Task NodesWithTheSameSettings_FormOneCluster_AndMayOwnTheirShards()
    {
        var options = new ClusterOptions();
        var logA = new RecordingLogger();
        var logB = new RecordingLogger();
        using var a = await StartAsync(options, logA, join: null);
        using var b = await StartAsync(options, logB, join: Akka.Cluster.Cluster.Get(a).SelfAddress);

        await Eventually.TrueAsync(
            () => new[] { a, b }.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2),
            "both nodes Up, as both see it",
            Patience);
        // Two nodes on keep-majority: the survivor of the lowest-address node's death would down itself, so each node says so (once).
        await Eventually.TrueAsync(() => logA.Messages(1117).Count == 1 && logB.Messages(1117).Count == 1, "the two-node warning on each node", Patience);

        Assert.Empty(logA.Messages(1116));
        Assert.Empty(logB.Messages(1116));
        Assert.True(new ClusterFence(Akka.Cluster.Cluster.Get(a)).MayOwn());
        Assert.True(new ClusterFence(Akka.Cluster.Cluster.Get(b)).MayOwn());
        await b.Terminate();
        await a.Terminate();
    }

    [Fact]
    public async Task ANodeNotYetUp_MayNotOwnShards()
    {
        using var a = await StartAsync(new ClusterOptions(), new RecordingLogger(), join: null, joinAtAll: false);

        Assert.False(new ClusterFence(Akka.Cluster.Cluster.Get(a)).MayOwn());
        await a.Terminate();
    }

    private static async Task<ActorSystem> StartAsync(ClusterOptions options, RecordingLogger log, Address? join, bool joinAtAll = true)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
              cluster {
                roles = ["{{options.SplitBrainRole}}"]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              }
            }
            """).WithFallback(ConfigurationFactory.ParseString(TestAkka.FastSingleNode));
        var system = ActorSystem.Create(ClusterOptions.SystemName, config);
        system.ActorOf(SplitBrainAgreement.Props(options, log), "split-brain-agreement");
        if (!joinAtAll)
        {
            return system;
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(join ?? cluster.SelfAddress);
        if (join is null)
        {
            await up.Task.WaitAsync(Patience);
        }

        return system;
    }
}
