namespace Fleet.Shared.Protocol;

/// <summary>Why a device is offline (<c>status.reason</c>).</summary>
public enum OfflineReason
{
    /// <summary><c>shutdown</c>: the device said goodbye.</summary>
    Shutdown = 1,

    /// <summary><c>lost</c>: the broker published the Last Will.</summary>
    Lost,
}
