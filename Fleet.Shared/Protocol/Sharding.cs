using System.Text;

namespace Fleet.Shared.Protocol;

/// <summary>Maps a device to its shard, exactly as docs/PROTOCOL.md specifies for foreign firmware.</summary>
public static class Sharding
{
    /// <summary>Shard count of a fleet unless configured otherwise; fixed for the life of a fleet.</summary>
    public const int DefaultShardCount = 64;

    /// <summary><c>FNV-1a-32(UTF-8 deviceId) mod shardCount</c>.</summary>
    public static int ShardOf(string deviceId, int shardCount = DefaultShardCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        Span<byte> buffer = deviceId.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(deviceId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(deviceId.Length)];
        var length = Encoding.UTF8.GetBytes(deviceId, buffer);
        return (int)(Fnv1a32(buffer[..length]) % (uint)shardCount);
    }

    /// <summary>32-bit FNV-1a over <paramref name="data"/>.</summary>
    public static uint Fnv1a32(ReadOnlySpan<byte> data)
    {
        var hash = 2166136261u;
        foreach (var b in data)
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }
}
