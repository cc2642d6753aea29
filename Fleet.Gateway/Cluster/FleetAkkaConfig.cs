using System.Globalization;
using Akka.Cluster.Hosting.SBR;

namespace Fleet.Gateway.Cluster;

/// <summary>The few Akka settings Akka.Hosting has no typed call for, as HOCON (ARCHITECTURE.md, "Akka usage", says why each).</summary>
internal static class FleetAkkaConfig
{
    /// <summary>Registers <see cref="FleetClusterSerializer"/> for Fleet's cluster messages.</summary>
    public static string Serialization
    {
        get
        {
            var serializer = Qualified(typeof(FleetClusterSerializer));
            var bindings = string.Join('\n', FleetClusterSerializer.Types.Select(t => $"    \"{Qualified(t)}\" = fleet"));
            return $$"""
                akka.actor {
                  serializers.fleet = "{{serializer}}"
                  serialization-bindings {
                {{bindings}}
                  }
                }
                """;
        }
    }

    /// <summary>
    /// The gateway node: the OTP guardian strategy, Fleet's serializer, the split brain resolver's stable-after, and
    /// the newer shard allocation algorithm (bounded rebalances).
    /// </summary>
    public static string Gateway(ClusterOptions cluster) => $$"""
        {{FleetGuardianStrategy.Hocon}}
        {{Serialization}}
        akka {
          log-dead-letters-during-shutdown = off
          cluster {
            split-brain-resolver.stable-after = {{Milliseconds(cluster.StableAfter)}}
            sharding.least-shard-allocation-strategy.rebalance-absolute-limit = 20
          }
        }
        """;

    /// <summary>The split brain resolver's strategy for Akka.Cluster.Hosting.</summary>
    public static SplitBrainResolverOption SplitBrain(ClusterOptions cluster) => cluster.SplitBrain switch
    {
        SplitBrainStrategy.KeepOldest => new KeepOldestOption { DownIfAlone = true },
        SplitBrainStrategy.StaticQuorum => new StaticQuorumOption { QuorumSize = cluster.QuorumSize ?? 1 },
        _ => new KeepMajorityOption(),
    };

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Qualified(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
