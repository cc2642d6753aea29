namespace Fleet.Shared.Mqtt.Packets;

internal sealed class MqttConnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Connect;

    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    public string ClientId { get; init; } = "";

    public bool CleanStart { get; init; } = true;

    public ushort KeepAliveSeconds { get; init; }

    public string? UserName { get; init; }

    public ReadOnlyMemory<byte>? Password { get; init; }

    public MqttApplicationMessage? Will { get; init; }

    public uint WillDelayInterval { get; init; }

    public uint SessionExpiryInterval { get; init; }

    public ushort? ReceiveMaximum { get; init; }

    public uint? MaximumPacketSize { get; init; }

    public ushort? TopicAliasMaximum { get; init; }

    public bool? RequestResponseInformation { get; init; }

    public bool? RequestProblemInformation { get; init; }

    public string? AuthenticationMethod { get; init; }

    public ReadOnlyMemory<byte>? AuthenticationData { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
