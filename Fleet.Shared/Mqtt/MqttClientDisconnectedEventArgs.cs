using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>A connection ended: why, the server's DISCONNECT reason code when it sent one, and whether a reconnect follows.</summary>
public sealed class MqttClientDisconnectedEventArgs(MqttCloseReason reason, MqttDisconnectReasonCode? reasonCode, string? reasonString, Exception? exception, bool willReconnect) : EventArgs
{
    /// <summary>What ended the connection.</summary>
    public MqttCloseReason Reason { get; } = reason;

    /// <summary>Reason code of the server's DISCONNECT, or the code the client closed with after a protocol violation.</summary>
    public MqttDisconnectReasonCode? ReasonCode { get; } = reasonCode;

    /// <summary>Server's reason string, or the violation's message.</summary>
    public string? ReasonString { get; } = reasonString;

    /// <summary>Transport or protocol fault, if any.</summary>
    public Exception? Exception { get; } = exception;

    /// <summary>The client will try to reconnect.</summary>
    public bool WillReconnect { get; } = willReconnect;
}
