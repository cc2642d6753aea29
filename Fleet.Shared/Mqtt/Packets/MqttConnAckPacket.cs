namespace Fleet.Shared.Mqtt.Packets;

internal sealed class MqttConnAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.ConnAck;

    public bool SessionPresent { get; init; }

    public MqttConnectReasonCode ReasonCode { get; init; }

    public uint? SessionExpiryInterval { get; init; }

    public ushort? ReceiveMaximum { get; init; }

    public MqttQualityOfService? MaximumQoS { get; init; }

    public bool? RetainAvailable { get; init; }

    public uint? MaximumPacketSize { get; init; }

    public string? AssignedClientIdentifier { get; init; }

    public ushort? TopicAliasMaximum { get; init; }

    public string? ReasonString { get; init; }

    public bool? WildcardSubscriptionAvailable { get; init; }

    public bool? SubscriptionIdentifiersAvailable { get; init; }

    public bool? SharedSubscriptionAvailable { get; init; }

    public ushort? ServerKeepAlive { get; init; }

    public string? ResponseInformation { get; init; }

    public string? ServerReference { get; init; }

    public string? AuthenticationMethod { get; init; }

    public ReadOnlyMemory<byte>? AuthenticationData { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
