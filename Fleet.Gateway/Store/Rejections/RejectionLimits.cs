namespace Fleet.Gateway.Store.Rejections;

/// <summary>How much of a rejected message is kept.</summary>
internal static class RejectionLimits
{
    /// <summary>Payload bytes kept per rejection.</summary>
    public const int ExcerptBytes = 256;

    /// <summary>Longest topic kept (MQTT allows 65,535 bytes; longer ones are cut).</summary>
    public const int MaxTopicLength = 512;
}
