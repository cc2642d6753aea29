namespace Fleet.Shared.Mqtt.Channel;

/// <summary>Why a connection ended.</summary>
public enum MqttCloseReason
{
    /// <summary>The application disconnected.</summary>
    ClientDisconnected,

    /// <summary>The server sent DISCONNECT (see the reason code).</summary>
    ServerDisconnected,

    /// <summary>The transport failed or the server closed the socket without DISCONNECT.</summary>
    ConnectionLost,

    /// <summary>No PINGRESP within 1.5 × keep-alive.</summary>
    KeepAliveTimeout,

    /// <summary>The server sent a malformed packet or broke the protocol; the client closed with a reason code.</summary>
    ProtocolViolation,
}
