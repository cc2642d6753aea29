namespace Fleet.Shared.Mqtt.Packets;

/// <summary>DISCONNECT reason codes (MQTT 5), sent by either side.</summary>
public enum MqttDisconnectReasonCode : byte
{
    /// <summary>Close normally; the will is not published.</summary>
    NormalDisconnection = 0x00,

    /// <summary>Client: close, but publish the will.</summary>
    DisconnectWithWillMessage = 0x04,

    /// <summary>Reason not revealed.</summary>
    UnspecifiedError = 0x80,

    /// <summary>A received packet could not be parsed.</summary>
    MalformedPacket = 0x81,

    /// <summary>A received packet broke the protocol.</summary>
    ProtocolError = 0x82,

    /// <summary>Valid but not accepted.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>Not authorised.</summary>
    NotAuthorized = 0x87,

    /// <summary>The server is busy.</summary>
    ServerBusy = 0x89,

    /// <summary>The server is shutting down.</summary>
    ServerShuttingDown = 0x8B,

    /// <summary>No packet within 1.5 × keep-alive.</summary>
    KeepAliveTimeout = 0x8D,

    /// <summary>Another connection with the same client identifier took the session over.</summary>
    SessionTakenOver = 0x8E,

    /// <summary>The topic filter is malformed.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>The topic name is malformed.</summary>
    TopicNameInvalid = 0x90,

    /// <summary>More QoS 1/2 publications in flight than Receive Maximum allows.</summary>
    ReceiveMaximumExceeded = 0x93,

    /// <summary>A topic alias was 0 or above the announced maximum.</summary>
    TopicAliasInvalid = 0x94,

    /// <summary>A packet exceeded the announced maximum packet size.</summary>
    PacketTooLarge = 0x95,

    /// <summary>The message rate is too high.</summary>
    MessageRateTooHigh = 0x96,

    /// <summary>A limit was exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>Administrative action.</summary>
    AdministrativeAction = 0x98,

    /// <summary>The payload does not match its payload format indicator.</summary>
    PayloadFormatInvalid = 0x99,

    /// <summary>Retain is not supported.</summary>
    RetainNotSupported = 0x9A,

    /// <summary>The QoS is not supported.</summary>
    QoSNotSupported = 0x9B,

    /// <summary>Use another server.</summary>
    UseAnotherServer = 0x9C,

    /// <summary>The server has moved.</summary>
    ServerMoved = 0x9D,

    /// <summary>Shared subscriptions are not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,

    /// <summary>The connection rate is too high.</summary>
    ConnectionRateExceeded = 0x9F,

    /// <summary>The maximum connection time was reached.</summary>
    MaximumConnectTime = 0xA0,

    /// <summary>Subscription identifiers are not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,

    /// <summary>Wildcard subscriptions are not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
