using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Hosting;

/// <summary>What the gateway's Akka node is, as ARCHITECTURE.md ("Akka usage") states it.</summary>
public sealed class AkkaHostingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private FleetRuntime Runtime => gateway.Host.Services.GetRequiredService<FleetRuntime>();

    [Fact]
    public void Node_IsAnUpOneNodeClusterOnLoopback_WithTheOtpGuardianStrategy()
    {
        var system = Runtime.System;
        var cluster = Akka.Cluster.Cluster.Get(system);

        Assert.Equal(Akka.Cluster.MemberStatus.Up, cluster.SelfMember.Status);
        Assert.Single(cluster.State.Members);
        Assert.Equal("127.0.0.1", cluster.SelfAddress.Host);
        Assert.Equal(ClusterOptions.SystemName, system.Name);
        Assert.Equal(typeof(FleetGuardianStrategy).FullName, system.Settings.SupervisorStrategyClass.Split(',')[0].Trim());
    }

    [Fact]
    public async Task Twin_LivesInTheShardOfItsProtocolTopic()
    {
        var id = "shard-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, d => d.TryGetProperty("twin", out _), "the twin");

        var state = await Runtime.Devices.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(30));

        var shard = Assert.Single(state.Shards, s => s.EntityIds.Contains(id));
        Assert.Equal(Sharding.ShardOf(id, Sharding.DefaultShardCount).ToString(CultureInfo.InvariantCulture), shard.ShardId);
    }
}
