using System.Buffers;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Formatter;

public sealed class MqttPacketDecoderTests
{
    [Fact]
    public void Frame_RemainingLengthLongerThanFourBytes_IsMalformed()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 });

        var ex = Assert.Throws<MqttProtocolViolationException>(() => MqttFrameReader.TryRead(ref buffer, uint.MaxValue, out _, out _));

        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, ex.ReasonCode);
    }

    [Fact]
    public void Frame_NonMinimalRemainingLength_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0xD0, 0x80, 0x00]));

    [Fact]
    public void Frame_OverMaximumPacketSize_IsPacketTooLarge() =>
        Assert.Equal(MqttDisconnectReasonCode.PacketTooLarge, MqttCodec.Violation([0x30, 0x7F, .. new byte[127]], maximumPacketSize: 100));

    [Fact]
    public void Frame_Incomplete_AsksForMoreBytes()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x30, 0x05, 0x00, 0x01 });

        Assert.False(MqttFrameReader.TryRead(ref buffer, uint.MaxValue, out _, out _));
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void Publish_WildcardInTopic_IsTopicNameInvalid() =>
        Assert.Equal(MqttDisconnectReasonCode.TopicNameInvalid, MqttCodec.Violation([0x30, 0x04, 0x00, 0x01, (byte)'#', 0x00]));

    [Fact]
    public void Publish_InvalidUtf8Topic_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00]));

    [Fact]
    public void Publish_NullCharacterInTopic_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x30, 0x05, 0x00, 0x02, (byte)'a', 0x00, 0x00]));

    [Fact]
    public void Publish_QoS3_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x36, 0x05, 0x00, 0x01, (byte)'a', 0x00, 0x01]));

    [Fact]
    public void Publish_DupOnQoS0_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x38, 0x04, 0x00, 0x01, (byte)'a', 0x00]));

    [Fact]
    public void Publish_PacketIdZero_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x32, 0x06, 0x00, 0x01, (byte)'a', 0x00, 0x00, 0x00]));

    [Fact]
    public void Publish_TopicAliasAboveMaximum_IsTopicAliasInvalid() =>
        Assert.Equal(MqttDisconnectReasonCode.TopicAliasInvalid, MqttCodec.Violation([0x30, 0x07, 0x00, 0x01, (byte)'a', 0x03, 0x23, 0x00, 0x09], topicAliasMaximum: 4));

    [Fact]
    public void Publish_UnknownAliasWithEmptyTopic_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x30, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01], topicAliasMaximum: 4));

    [Fact]
    public void Publish_PropertyLengthBeyondPacket_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x30, 0x05, 0x00, 0x01, (byte)'a', 0x09, 0x01]));

    [Fact]
    public void Publish_DuplicateContentType_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x30, 0x0C, 0x00, 0x01, (byte)'a', 0x08, 0x03, 0x00, 0x01, (byte)'x', 0x03, 0x00, 0x01, (byte)'y']));

    [Fact]
    public void Publish_PropertyNotAllowedInPublish_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x30, 0x08, 0x00, 0x01, (byte)'a', 0x03, 0x21, 0x00, 0x01, 0x00]));

    [Fact]
    public void Publish_Utf8FlaggedPayloadNotUtf8_IsPayloadFormatInvalid() =>
        Assert.Equal(MqttDisconnectReasonCode.PayloadFormatInvalid, MqttCodec.Violation([0x30, 0x07, 0x00, 0x01, (byte)'a', 0x02, 0x01, 0x01, 0xFF]));

    [Fact]
    public void PubAck_WrongFixedHeaderFlags_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x42, 0x02, 0x00, 0x01]));

    [Fact]
    public void PubRel_MissingRequiredFlags_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x60, 0x02, 0x00, 0x01]));

    [Fact]
    public void PubAck_TruncatedPacketId_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x40, 0x01, 0x00]));

    [Fact]
    public void PubAck_V311TrailingBytes_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x40, 0x03, 0x00, 0x01, 0x00], MqttProtocolVersion.V311));

    [Fact]
    public void PubAck_UndefinedReasonCode_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x40, 0x03, 0x00, 0x01, 0x42]));

    [Fact]
    public void PingResp_WithBody_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0xD0, 0x01, 0x00]));

    [Fact]
    public void ReservedPacketTypeZero_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x00, 0x00]));

    [Fact]
    public void Auth_OnV311_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0xF0, 0x00], MqttProtocolVersion.V311));

    [Fact]
    public void ConnAck_SessionPresentOnRefusal_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x20, 0x03, 0x01, 0x87, 0x00]));

    [Fact]
    public void ConnAck_ReceiveMaximumZero_IsProtocolError() =>
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, MqttCodec.Violation([0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00]));

    [Fact]
    public void SubAck_WithoutReasonCodes_IsMalformed() =>
        Assert.Equal(MqttDisconnectReasonCode.MalformedPacket, MqttCodec.Violation([0x90, 0x03, 0x00, 0x01, 0x00]));
}
