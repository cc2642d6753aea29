namespace Fleet.Tests.Infrastructure;

/// <summary>Akka settings for gateways in tests: a one-node loopback cluster that is up and serving shards at once.</summary>
public static class TestAkka
{
    /// <summary>
    /// Shorter cluster ticks than production's: the node joins itself, becomes Up, starts the shard coordinator and
    /// registers its region within a few hundred milliseconds instead of the default seconds.
    /// </summary>
    public const string FastSingleNode = """
        akka.cluster {
          periodic-tasks-initial-delay = 50ms
          gossip-interval = 200ms
          leader-actions-interval = 100ms
          sharding.retry-interval = 200ms
          sharded-daemon-process.sharding.retry-interval = 200ms
          sharding.shard-start-timeout = 2s
          singleton.hand-over-retry-interval = 200ms
        }
        """;

    /// <summary>
    /// <see cref="FastSingleNode"/> with every message serialized and deserialized on send, as if it crossed nodes: a
    /// message that could not cross (no serializer, a delegate or task inside) fails where it is sent.
    /// </summary>
    public const string SerializeMessages = FastSingleNode + """

        akka.actor.serialize-messages = on
        """;
}
