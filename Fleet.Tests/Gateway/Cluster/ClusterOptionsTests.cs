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
