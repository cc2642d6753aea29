namespace Fleet.Shared.Actors.Sharding;

/// <summary>Ask a region for its <see cref="ShardRegionStats"/>.</summary>
public sealed class GetShardRegionStats
{
    private GetShardRegionStats()
    {
    }

    /// <summary>The single instance.</summary>
    public static GetShardRegionStats Instance { get; } = new();
}
