using System.Buffers;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Formatter;

/// <summary>Encode/frame/decode helpers for codec tests.</summary>
internal static class MqttCodec
{
    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version)
    {
        using var encoder = new MqttPacketEncoder(version);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(packet, output);
        return output.WrittenSpan.ToArray();
    }

    public static MqttPacket Decode(byte[] bytes, MqttProtocolVersion version, ushort topicAliasMaximum = 0, uint maximumPacketSize = 1 << 20) =>
        Decode(bytes, new MqttPacketDecoder(version, topicAliasMaximum), maximumPacketSize);

    public static MqttPacket Decode(byte[] bytes, MqttPacketDecoder decoder, uint maximumPacketSize = 1 << 20)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        if (!MqttFrameReader.TryRead(ref buffer, maximumPacketSize, out var header, out var body))
        {
            throw new InvalidOperationException("incomplete frame");
        }

        Assert.Equal(0, buffer.Length);
        return decoder.Decode(header, body);
    }

    public static MqttDisconnectReasonCode Violation(byte[] bytes, MqttProtocolVersion version = MqttProtocolVersion.V500, ushort topicAliasMaximum = 0, uint maximumPacketSize = 1 << 20) =>
        Assert.Throws<MqttProtocolViolationException>(() => Decode(bytes, version, topicAliasMaximum, maximumPacketSize)).ReasonCode;
}
