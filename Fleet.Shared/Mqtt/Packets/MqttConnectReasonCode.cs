namespace Fleet.Shared.Mqtt.Packets;

/// <summary>CONNACK reason codes (MQTT 5). MQTT 3.1.1 return codes are mapped onto these.</summary>
public enum MqttConnectReasonCode : byte
{
    /// <summary>Connection accepted.</summary>
    Success = 0x00,

    /// <summary>The server does not wish to reveal the reason.</summary>
    UnspecifiedError = 0x80,

    /// <summary>The CONNECT could not be parsed.</summary>
    MalformedPacket = 0x81,

    /// <summary>The CONNECT broke the protocol.</summary>
    ProtocolError = 0x82,

    /// <summary>Valid but not accepted by this server.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>The protocol version is not supported (3.1.1 return code 1).</summary>
    UnsupportedProtocolVersion = 0x84,

    /// <summary>The client identifier is not allowed (3.1.1 return code 2).</summary>
    ClientIdentifierNotValid = 0x85,

    /// <summary>Wrong user name or password (3.1.1 return code 4).</summary>
    BadUserNameOrPassword = 0x86,

    /// <summary>The client is not authorised to connect (3.1.1 return code 5).</summary>
    NotAuthorized = 0x87,

    /// <summary>The server is not available (3.1.1 return code 3).</summary>
    ServerUnavailable = 0x88,

    /// <summary>The server is busy.</summary>
    ServerBusy = 0x89,

    /// <summary>The client has been banned.</summary>
    Banned = 0x8A,

    /// <summary>The authentication method is not supported.</summary>
    BadAuthenticationMethod = 0x8C,

    /// <summary>The will topic is not accepted.</summary>
    TopicNameInvalid = 0x90,

    /// <summary>The CONNECT exceeded the maximum permissible size.</summary>
    PacketTooLarge = 0x95,

    /// <summary>An implementation or administrative limit was exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>The will payload does not match its payload format indicator.</summary>
    PayloadFormatInvalid = 0x99,

    /// <summary>Retained wills are not supported.</summary>
    RetainNotSupported = 0x9A,

    /// <summary>The will QoS is not supported.</summary>
    QoSNotSupported = 0x9B,

    /// <summary>The client should use another server.</summary>
    UseAnotherServer = 0x9C,

    /// <summary>The server has moved.</summary>
    ServerMoved = 0x9D,

    /// <summary>The connection rate limit was exceeded.</summary>
    ConnectionRateExceeded = 0x9F,
}
