using Fleet.Gateway;
using Fleet.Gateway.Cluster;
using Microsoft.Extensions.Configuration;

namespace Fleet.Tests.Gateway.Cluster;

public sealed class ClusterOptionsTests
{
    [Fact]
    public void Default_IsOneNodeJoiningItselfOnLoopback_WithAnOsChosenPort()
    {
        var options = new ClusterOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("127.0.0.1", options.Hostname);
        Assert.Equal(0, options.Port);
        Assert.True(options.JoinsItself);
        Assert.Equal(SplitBrainStrategy.KeepMajority, options.SplitBrain);
    }

    [Fact]
    public void FleetClusterSection_BindsSeedsStrategyAndStableAfter()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Cluster:Hostname"] = "10.0.0.5",
            ["Fleet:Cluster:Port"] = "4053",
            ["Fleet:Cluster:SeedNodes:0"] = "akka.tcp://fleet-gateway@10.0.0.5:4053",
            ["Fleet:Cluster:SeedNodes:1"] = "akka.tcp://fleet-gateway@10.0.0.6:4053",
            ["Fleet:Cluster:SplitBrain"] = "KeepOldest",
            ["Fleet:Cluster:StableAfter"] = "00:00:03",
            ["Fleet:Store:Provider"] = "postgresql",
            ["Fleet:Store:ConnectionString"] = "Host=10.0.0.9;Username=fleet",
            ["Fleet:BrokerHost"] = "10.0.0.9",
            ["Fleet:BrokerPort"] = "1883",
        }).Build();

        var options = configuration.GetSection("Fleet").Get<GatewayOptions>()!;

        Assert.Empty(options.Validate());
        Assert.Equal(["akka.tcp://fleet-gateway@10.0.0.5:4053", "akka.tcp://fleet-gateway@10.0.0.6:4053"], options.Cluster.SeedNodes);
        Assert.False(options.Cluster.JoinsItself);
        Assert.Equal(SplitBrainStrategy.KeepOldest, options.Cluster.SplitBrain);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Cluster.StableAfter);
        Assert.Equal(4053, options.Cluster.Port);
    }

    [Fact]
    public void SeveralNodes_OnSqliteOrAManagedBroker_AreRefusedWithTheSettingsToChange()
    {
        var options = new GatewayOptions { Cluster = new ClusterOptions { Port = 4053, SeedNodes = ["akka.tcp://fleet-gateway@10.0.0.5:4053"] } };

        var problems = options.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("Fleet:Store:Provider to postgresql", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Fleet:BrokerHost", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://fleet-gateway@10.0.0.5:4053", "not an akka.tcp:// address")]
    [InlineData("akka.tcp://other@10.0.0.5:4053", "names system 'other'")]
    [InlineData("akka.tcp://fleet-gateway@10.0.0.5", "explicit port")]
    [InlineData("akka.tcp://fleet-gateway@10.0.0.5:4053/user", "path")]
    [InlineData("10.0.0.5:4053", "not an akka.tcp:// address")]
    public void Validate_NamesWhatIsWrongWithASeedNode(string seed, string expected)
    {
        var problem = Assert.Single(new ClusterOptions { SeedNodes = [seed] }.Validate());

        Assert.Contains(seed, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RejectsBadHostPortQuorumAndStableAfter()
    {
        Assert.NotEmpty(new ClusterOptions { Hostname = " " }.Validate());
        Assert.NotEmpty(new ClusterOptions { Hostname = "bad host!" }.Validate());
        Assert.NotEmpty(new ClusterOptions { Port = -1 }.Validate());
        Assert.NotEmpty(new ClusterOptions { Port = 65536 }.Validate());
        Assert.NotEmpty(new ClusterOptions { SplitBrain = (SplitBrainStrategy)42 }.Validate());
        Assert.NotEmpty(new ClusterOptions { SplitBrain = SplitBrainStrategy.StaticQuorum }.Validate());
        Assert.NotEmpty(new ClusterOptions { QuorumSize = 2 }.Validate());
        Assert.Empty(new ClusterOptions { SplitBrain = SplitBrainStrategy.StaticQuorum, QuorumSize = 2 }.Validate());
        Assert.NotEmpty(new ClusterOptions { StableAfter = TimeSpan.Zero }.Validate());
        Assert.NotEmpty(new ClusterOptions { StableAfter = TimeSpan.FromMinutes(6) }.Validate());
    }

    [Fact]
    public void GatewayValidate_ReportsClusterProblems()
    {
        var problems = new GatewayOptions { Cluster = new ClusterOptions { Port = 70000 } }.Validate();

        Assert.Contains(problems, p => p.StartsWith("Fleet:Cluster:Port", StringComparison.Ordinal));
    }
}

public sealed class ClusterTimingTests
{
    [Fact]
    public void Timing_BindsFromConfiguration_AndReachesAkka()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Cluster:HeartbeatInterval"] = "00:00:00.2",
            ["Fleet:Cluster:AcceptableHeartbeatPause"] = "00:00:01",
            ["Fleet:Cluster:StableAfter"] = "00:00:01.5",
            ["Fleet:Cluster:DownRemovalMargin"] = "00:00:00.5",
            ["Fleet:Cluster:IngressKeepAlive"] = "00:00:00.5",
        }).Build();
        var options = configuration.GetSection("Fleet").Get<GatewayOptions>()!.Cluster;

        Assert.Empty(options.Validate());
        var akka = Akka.Configuration.ConfigurationFactory.ParseString(FleetAkkaConfig.Gateway(options));
        Assert.Equal(TimeSpan.FromMilliseconds(200), akka.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(1), akka.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), akka.GetTimeSpan("akka.cluster.down-removal-margin"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), akka.GetTimeSpan("akka.cluster.sharded-daemon-process.keep-alive-interval"));
        // The daemon's sharding settings are its own copy: Fleet's retry interval must be repeated there.
        Assert.Equal(TimeSpan.FromMilliseconds(500), akka.GetTimeSpan("akka.cluster.sharded-daemon-process.sharding.retry-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), akka.GetTimeSpan("akka.cluster.sharding.retry-interval"));
    }

    [Fact]
    public void Defaults_AreTheShippedProfile()
    {
        var options = new ClusterOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromSeconds(3), options.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), options.DownRemovalMargin);
        Assert.Equal(TimeSpan.FromSeconds(1), options.IngressKeepAlive);
    }

    [Fact]
    public void Validate_NamesTimingThatCannotWork()
    {
        var options = new ClusterOptions
        {
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            AcceptableHeartbeatPause = TimeSpan.FromSeconds(1),
            DownRemovalMargin = TimeSpan.Zero,
            IngressKeepAlive = TimeSpan.FromMilliseconds(10),
        };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("AcceptableHeartbeatPause", StringComparison.Ordinal) && p.Contains("twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DownRemovalMargin", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("IngressKeepAlive", StringComparison.Ordinal));
    }

    [Fact]
    public void SplitBrainRole_ChangesWithEverySettingThatMustAgree_AndIsAPlainRoleName()
    {
        var baseline = new ClusterOptions();
        string[] roles =
        [
            baseline.SplitBrainRole,
            (baseline with { SplitBrain = SplitBrainStrategy.KeepOldest }).SplitBrainRole,
            (baseline with { SplitBrain = SplitBrainStrategy.StaticQuorum, QuorumSize = 2 }).SplitBrainRole,
            (baseline with { SplitBrain = SplitBrainStrategy.StaticQuorum, QuorumSize = 3 }).SplitBrainRole,
            (baseline with { StableAfter = TimeSpan.FromSeconds(7) }).SplitBrainRole,
            (baseline with { DownRemovalMargin = TimeSpan.FromSeconds(2) }).SplitBrainRole,
        ];

        Assert.Equal(roles.Length, roles.Distinct().Count());
        Assert.Equal(baseline.SplitBrainRole, (baseline with { HeartbeatInterval = TimeSpan.FromSeconds(1) }).SplitBrainRole);
        Assert.All(roles, r => Assert.Matches("^fleet-sbr-[A-Za-z0-9-]+$", r));
    }
}
