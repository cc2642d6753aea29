using System.Globalization;
using Fleet.Gateway.Twins;
using Fleet.Shared.Actors.Sharding;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Ingress;

/// <summary>Routes twin messages by device id; the shard is the protocol's (FNV-1a of the id mod the shard count).</summary>
internal sealed class DeviceMessageExtractor(int shardCount) : IMessageExtractor
{
    private readonly string[] _shardIds = [.. Enumerable.Range(0, shardCount).Select(s => s.ToString(CultureInfo.InvariantCulture))];

    public string? EntityId(object message) => (message as ITwinMessage)?.DeviceId;

    public string ShardId(object message) => message switch
    {
        DeviceMessage device => _shardIds[device.Shard],
        ITwinMessage twin => _shardIds[Sharding.ShardOf(twin.DeviceId, shardCount)],
        _ => throw new ArgumentException("not a twin message", nameof(message)),
    };

    public object EntityMessage(object message) => message;
}
