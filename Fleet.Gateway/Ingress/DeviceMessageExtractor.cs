using System.Globalization;
using Akka.Cluster.Sharding;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Ingress;

/// <summary>
/// Routes twin messages by device id for the <c>device</c> shard region; the shard id is the protocol's shard
/// (FNV-1a of the id mod the shard count, the <c>k</c> in the topic), so a shard of twins and a shard of ingress are one.
/// </summary>
internal sealed class DeviceMessageExtractor(int shardCount) : IMessageExtractor
{
    private readonly string[] _shardIds = [.. Enumerable.Range(0, shardCount).Select(s => s.ToString(CultureInfo.InvariantCulture))];

    /// <remarks>Akka.NET handles <c>ShardRegion.StartEntity</c> itself, through <see cref="ShardId(string, object?)"/>.</remarks>
    public string? EntityId(object message) => (message as ITwinMessage)?.DeviceId;

    public string ShardId(object message) => message switch
    {
        DeviceMessage device when device.Shard >= 0 && device.Shard < shardCount => _shardIds[device.Shard],
        ITwinMessage twin => ShardId(twin.DeviceId),
        _ => throw new ArgumentException($"{message.GetType().Name} is not a twin message", nameof(message)),
    };

    public string ShardId(string entityId, object? messageHint = null) => _shardIds[Sharding.ShardOf(entityId, shardCount)];

    public object EntityMessage(object message) => message;
}
