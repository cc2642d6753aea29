namespace Fleet.Gateway.Store.Rejections;

/// <summary>Why a message was acknowledged without being acted on. Each is a reason that does not go away by retrying.</summary>
internal static class RejectionCauses
{
    /// <summary>The topic is outside the device topic tree, names an invalid device id, or the wrong shard.</summary>
    public const string Topic = "topic";

    /// <summary>The payload breaks the protocol: malformed, wrong version, schema, or a limit from PROTOCOL.md.</summary>
    public const string Protocol = "protocol";

    /// <summary>The store refused the write for a reason a retry cannot mend (bad input, a constraint).</summary>
    public const string StoreRefused = "storeRefused";

    /// <summary>The twin failed on the same message twice in a row.</summary>
    public const string TwinFailed = "twinFailed";

    public static IReadOnlyList<string> All { get; } = [Topic, Protocol, StoreRefused, TwinFailed];
}
