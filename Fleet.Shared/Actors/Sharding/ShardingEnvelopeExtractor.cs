namespace Fleet.Shared.Actors.Sharding;

/// <summary>Extracts <see cref="ShardingEnvelope"/>s; the shard is <see cref="Protocol.Sharding.ShardOf"/> of the entity id
/// (the FNV-1a function of PROTOCOL.md), so actor shards line up with MQTT topic shards.</summary>
/// <param name="shardCount">Number of shards (default <see cref="Protocol.Sharding.DefaultShardCount"/>).</param>
public sealed class ShardingEnvelopeExtractor(int shardCount = Protocol.Sharding.DefaultShardCount) : IMessageExtractor
{
    private readonly int _shardCount = shardCount > 0 ? shardCount : throw new ArgumentOutOfRangeException(nameof(shardCount));

    /// <inheritdoc />
    public string? EntityId(object message) => (message as ShardingEnvelope)?.EntityId;

    /// <inheritdoc />
    public string ShardId(object message) =>
        Protocol.Sharding.ShardOf(((ShardingEnvelope)message).EntityId, _shardCount).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public object EntityMessage(object message) => ((ShardingEnvelope)message).Message;
}
