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
    /// The gateway node: the OTP guardian strategy, Fleet's serializer, failure detection and the split brain
    /// resolver's stable-after (together most of a kill -9 hand-off), the ingress keep-alive, the shard regions'
    /// retry interval (how soon a region finds a moved coordinator), and bounded rebalances.
    /// </summary>
    public static string Gateway(ClusterOptions cluster) => $$"""
        {{FleetGuardianStrategy.Hocon}}
        {{Serialization}}
        akka {
          log-dead-letters-during-shutdown = off
          cluster {
            # A dead node's removal goes through the reaper (marks it unreachable), the leader (moves Down to Removed)
            # and gossip (tells the other nodes): Akka's 1 s ticks would add up to seconds to every hand-off.
            unreachable-nodes-reaper-interval = 250ms
            leader-actions-interval = 250ms
            gossip-interval = 500ms
            failure-detector {
              heartbeat-interval = {{Milliseconds(cluster.HeartbeatInterval)}}
              acceptable-heartbeat-pause = {{Milliseconds(cluster.AcceptableHeartbeatPause)}}
            }
            split-brain-resolver.stable-after = {{Milliseconds(cluster.StableAfter)}}
            down-removal-margin = {{Milliseconds(cluster.DownRemovalMargin)}}
            sharded-daemon-process.keep-alive-interval = {{Milliseconds(cluster.IngressKeepAlive)}}
            sharding {
              retry-interval = {{Milliseconds(Shorter(cluster.IngressKeepAlive, TimeSpan.FromSeconds(2)))}}
              least-shard-allocation-strategy.rebalance-absolute-limit = 20
            }
            # The daemon's sharding settings are a copy of akka.cluster.sharding taken when Akka's reference
            # configuration was read, so Fleet's changes are repeated here. Ingress sessions hand off in well under a
            # second, so they are spread over new nodes every 2 s, up to a third of them per round.
            sharded-daemon-process.sharding {
              retry-interval = {{Milliseconds(Shorter(cluster.IngressKeepAlive, TimeSpan.FromSeconds(2)))}}
              rebalance-interval = 2s
              least-shard-allocation-strategy {
                rebalance-absolute-limit = 20
                rebalance-relative-limit = 0.34
              }
            }
            singleton.hand-over-retry-interval = {{Milliseconds(Shorter(cluster.HeartbeatInterval, TimeSpan.FromSeconds(1)))}}
            singleton-proxy.singleton-identification-interval = {{Milliseconds(Shorter(cluster.HeartbeatInterval, TimeSpan.FromSeconds(1)))}}
          }
        }
        """;

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;

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
