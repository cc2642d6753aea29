namespace Fleet.Shared.Protocol;

/// <summary>Whether a device is connected (<c>status.state</c>).</summary>
public enum DeviceState
{
    /// <summary><c>online</c>.</summary>
    Online = 1,

    /// <summary><c>offline</c>.</summary>
    Offline,
}
