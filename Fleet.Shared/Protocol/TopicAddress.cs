namespace Fleet.Shared.Protocol;

/// <summary>A parsed Fleet topic: what kind it is, whose it is and, for device → gateway topics, its shard.</summary>
public readonly record struct TopicAddress(TopicKind Kind, string DeviceId, int? Shard)
{
    /// <summary>True for topics a device publishes on (under <c>fleet/v1/s/</c>).</summary>
    public bool IsFromDevice => Kind is not (TopicKind.Desired or TopicKind.Command);
}
