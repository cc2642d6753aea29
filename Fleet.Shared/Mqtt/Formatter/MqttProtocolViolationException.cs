using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>A received packet was malformed or broke the protocol; the connection must be closed with <see cref="ReasonCode"/>.</summary>
/// <remarks>Thrown only inside the decoder and caught by the read loop, which turns it into a DISCONNECT.</remarks>
public sealed class MqttProtocolViolationException : Exception
{
    /// <summary>Creates the exception with the reason code the connection is closed with.</summary>
    public MqttProtocolViolationException(MqttDisconnectReasonCode reasonCode, string message)
        : base(message) => ReasonCode = reasonCode;

    /// <summary>Creates a malformed-packet violation.</summary>
    public MqttProtocolViolationException(string message)
        : this(MqttDisconnectReasonCode.MalformedPacket, message)
    {
    }

    /// <summary>Creates a malformed-packet violation.</summary>
    public MqttProtocolViolationException()
        : this(MqttDisconnectReasonCode.MalformedPacket, "malformed packet")
    {
    }

    /// <summary>Creates a malformed-packet violation.</summary>
    public MqttProtocolViolationException(string message, Exception innerException)
        : base(message, innerException) => ReasonCode = MqttDisconnectReasonCode.MalformedPacket;

    /// <summary>The DISCONNECT reason code: 0x81 malformed, 0x82 protocol error, 0x94 topic alias invalid, 0x95 packet too large, …</summary>
    public MqttDisconnectReasonCode ReasonCode { get; }
}
