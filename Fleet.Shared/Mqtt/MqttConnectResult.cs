using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>The server's answer to CONNECT: a reason code (refusals are values, not exceptions) and its properties.</summary>
public sealed record MqttConnectResult
{
    /// <summary>CONNACK reason code (3.1.1 return codes mapped onto MQTT 5 codes).</summary>
    public MqttConnectReasonCode ResultCode { get; init; }

    /// <summary>Whether the server resumed a stored session.</summary>
    public bool SessionPresent { get; init; }

    /// <summary>True when <see cref="ResultCode"/> is <see cref="MqttConnectReasonCode.Success"/>.</summary>
    public bool IsSuccess => ResultCode == MqttConnectReasonCode.Success;

    /// <summary>Human-readable reason from the server.</summary>
    public string? ReasonString { get; init; }

    /// <summary>Client identifier the server assigned when none was sent.</summary>
    public string? AssignedClientIdentifier { get; init; }

    /// <summary>Server's Receive Maximum: QoS 1/2 publications this client may have in flight (65535 when absent).</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Highest QoS the server supports (2 when absent).</summary>
    public MqttQualityOfService MaximumQoS { get; init; } = MqttQualityOfService.ExactlyOnce;

    /// <summary>Whether retained messages are supported.</summary>
    public bool RetainAvailable { get; init; } = true;

    /// <summary>Largest packet the server accepts; null when unlimited.</summary>
    public uint? MaximumPacketSize { get; init; }

    /// <summary>Topic aliases the server accepts from this client.</summary>
    public ushort TopicAliasMaximum { get; init; }

    /// <summary>Keep-alive imposed by the server, overriding the requested one.</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>Session expiry imposed by the server.</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>Whether wildcard subscriptions are supported.</summary>
    public bool WildcardSubscriptionAvailable { get; init; } = true;

    /// <summary>Whether shared subscriptions are supported.</summary>
    public bool SharedSubscriptionAvailable { get; init; } = true;

    /// <summary>Whether subscription identifiers are supported.</summary>
    public bool SubscriptionIdentifiersAvailable { get; init; } = true;

    /// <summary>Response Information for building response topics.</summary>
    public string? ResponseInformation { get; init; }

    /// <summary>Another server to use.</summary>
    public string? ServerReference { get; init; }

    /// <summary>User properties from CONNACK.</summary>
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }

    internal static MqttConnectResult From(MqttConnAckPacket p) => new()
    {
        ResultCode = p.ReasonCode,
        SessionPresent = p.SessionPresent,
        ReasonString = p.ReasonString,
        AssignedClientIdentifier = p.AssignedClientIdentifier,
        ReceiveMaximum = p.ReceiveMaximum ?? ushort.MaxValue,
        MaximumQoS = p.MaximumQoS ?? MqttQualityOfService.ExactlyOnce,
        RetainAvailable = p.RetainAvailable ?? true,
        MaximumPacketSize = p.MaximumPacketSize,
        TopicAliasMaximum = p.TopicAliasMaximum ?? 0,
        ServerKeepAlive = p.ServerKeepAlive,
        SessionExpiryInterval = p.SessionExpiryInterval,
        WildcardSubscriptionAvailable = p.WildcardSubscriptionAvailable ?? true,
        SharedSubscriptionAvailable = p.SharedSubscriptionAvailable ?? true,
        SubscriptionIdentifiersAvailable = p.SubscriptionIdentifiersAvailable ?? true,
        ResponseInformation = p.ResponseInformation,
        ServerReference = p.ServerReference,
        UserProperties = p.UserProperties,
    };
}
