using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

internal sealed partial class MqttPacketEncoder
{
    private void EncodeConnect(MqttConnectPacket p)
    {
        if (p.ProtocolVersion != Version)
        {
            throw new ArgumentException($"CONNECT for {p.ProtocolVersion} on an encoder for {Version}", nameof(p));
        }

        _body.WriteString("MQTT");
        _body.WriteByte((byte)Version);
        var flags = 0;
        if (p.CleanStart)
        {
            flags |= 0x02;
        }

        if (p.Will is { } will)
        {
            flags |= 0x04 | ((int)will.QualityOfService << 3) | (will.Retain ? 0x20 : 0);
        }

        if (p.Password is not null)
        {
            flags |= 0x40;
        }

        if (p.UserName is not null)
        {
            flags |= 0x80;
        }

        _body.WriteByte((byte)flags);
        _body.WriteUInt16(p.KeepAliveSeconds);
        if (V5)
        {
            _properties.Reset();
            UInt32Property(MqttPropertyId.SessionExpiryInterval, p.SessionExpiryInterval == 0 ? null : p.SessionExpiryInterval);
            UInt16Property(MqttPropertyId.ReceiveMaximum, p.ReceiveMaximum);
            UInt32Property(MqttPropertyId.MaximumPacketSize, p.MaximumPacketSize);
            UInt16Property(MqttPropertyId.TopicAliasMaximum, p.TopicAliasMaximum);
            ByteProperty(MqttPropertyId.RequestResponseInformation, p.RequestResponseInformation is { } rri ? (byte)(rri ? 1 : 0) : null);
            ByteProperty(MqttPropertyId.RequestProblemInformation, p.RequestProblemInformation is { } rpi ? (byte)(rpi ? 1 : 0) : null);
            StringProperty(MqttPropertyId.AuthenticationMethod, p.AuthenticationMethod);
            BinaryProperty(MqttPropertyId.AuthenticationData, p.AuthenticationData);
            UserProperties(p.UserProperties);
            AppendProperties();
        }

        _body.WriteString(p.ClientId);
        if (p.Will is { } w)
        {
            if (V5)
            {
                _properties.Reset();
                UInt32Property(MqttPropertyId.WillDelayInterval, p.WillDelayInterval == 0 ? null : p.WillDelayInterval);
                WriteMessageProperties(w, 0);
                AppendProperties();
            }

            _body.WriteString(w.Topic);
            _body.WriteBinary(w.Payload.Span);
        }

        if (p.UserName is not null)
        {
            _body.WriteString(p.UserName);
        }

        if (p.Password is { } password)
        {
            _body.WriteBinary(password.Span);
        }
    }

    private void EncodeConnAck(MqttConnAckPacket p)
    {
        _body.WriteByte((byte)(p.SessionPresent ? 1 : 0));
        _body.WriteByte(V5 ? (byte)p.ReasonCode : ToV311ReturnCode(p.ReasonCode));
        if (!V5)
        {
            return;
        }

        _properties.Reset();
        UInt32Property(MqttPropertyId.SessionExpiryInterval, p.SessionExpiryInterval);
        UInt16Property(MqttPropertyId.ReceiveMaximum, p.ReceiveMaximum);
        ByteProperty(MqttPropertyId.MaximumQoS, (byte?)p.MaximumQoS);
        ByteProperty(MqttPropertyId.RetainAvailable, p.RetainAvailable is { } ra ? (byte)(ra ? 1 : 0) : null);
        UInt32Property(MqttPropertyId.MaximumPacketSize, p.MaximumPacketSize);
        StringProperty(MqttPropertyId.AssignedClientIdentifier, p.AssignedClientIdentifier);
        UInt16Property(MqttPropertyId.TopicAliasMaximum, p.TopicAliasMaximum);
        StringProperty(MqttPropertyId.ReasonString, p.ReasonString);
        ByteProperty(MqttPropertyId.WildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable is { } w ? (byte)(w ? 1 : 0) : null);
        ByteProperty(MqttPropertyId.SubscriptionIdentifierAvailable, p.SubscriptionIdentifiersAvailable is { } s ? (byte)(s ? 1 : 0) : null);
        ByteProperty(MqttPropertyId.SharedSubscriptionAvailable, p.SharedSubscriptionAvailable is { } sh ? (byte)(sh ? 1 : 0) : null);
        UInt16Property(MqttPropertyId.ServerKeepAlive, p.ServerKeepAlive);
        StringProperty(MqttPropertyId.ResponseInformation, p.ResponseInformation);
        StringProperty(MqttPropertyId.ServerReference, p.ServerReference);
        StringProperty(MqttPropertyId.AuthenticationMethod, p.AuthenticationMethod);
        BinaryProperty(MqttPropertyId.AuthenticationData, p.AuthenticationData);
        UserProperties(p.UserProperties);
        AppendProperties();
    }

    private void EncodeAckWithProperties(MqttAckPacket p)
    {
        _body.WriteUInt16(p.PacketId);
        if (!V5)
        {
            return;
        }

        _body.WriteByte(p.ReasonCode);
        _properties.Reset();
        StringProperty(MqttPropertyId.ReasonString, p.ReasonString);
        UserProperties(p.UserProperties);
        AppendProperties();
    }

    private void EncodeSubscribe(MqttSubscribePacket p)
    {
        _body.WriteUInt16(p.PacketId);
        if (V5)
        {
            _properties.Reset();
            if (p.SubscriptionIdentifier is { } id)
            {
                _properties.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                _properties.WriteVariableByteInteger(id);
            }

            UserProperties(p.UserProperties);
            AppendProperties();
        }

        foreach (var s in p.Subscriptions)
        {
            _body.WriteString(s.TopicFilter);
            var options = (int)s.QualityOfService;
            if (V5)
            {
                options |= (s.NoLocal ? 0x04 : 0) | (s.RetainAsPublished ? 0x08 : 0) | ((int)s.RetainHandling << 4);
            }

            _body.WriteByte((byte)options);
        }
    }

    private void EncodeSubAck(MqttSubAckPacket p)
    {
        _body.WriteUInt16(p.PacketId);
        if (V5)
        {
            _properties.Reset();
            StringProperty(MqttPropertyId.ReasonString, p.ReasonString);
            UserProperties(p.UserProperties);
            AppendProperties();
        }

        foreach (var code in p.ReasonCodes)
        {
            _body.WriteByte(code);
        }
    }

    private void EncodeUnsubscribe(MqttUnsubscribePacket p)
    {
        _body.WriteUInt16(p.PacketId);
        if (V5)
        {
            _properties.Reset();
            UserProperties(p.UserProperties);
            AppendProperties();
        }

        foreach (var filter in p.TopicFilters)
        {
            _body.WriteString(filter);
        }
    }

    private void EncodeDisconnect(MqttDisconnectPacket p)
    {
        if (!V5)
        {
            return;
        }

        _properties.Reset();
        UInt32Property(MqttPropertyId.SessionExpiryInterval, p.SessionExpiryInterval);
        StringProperty(MqttPropertyId.ReasonString, p.ReasonString);
        StringProperty(MqttPropertyId.ServerReference, p.ServerReference);
        UserProperties(p.UserProperties);
        if (p.ReasonCode == MqttDisconnectReasonCode.NormalDisconnection && _properties.Length == 0)
        {
            return;
        }

        _body.WriteByte((byte)p.ReasonCode);
        AppendProperties();
    }

    private void EncodeAuth(MqttAuthPacket p)
    {
        _body.WriteByte(p.ReasonCode);
        _properties.Reset();
        StringProperty(MqttPropertyId.AuthenticationMethod, p.AuthenticationMethod);
        BinaryProperty(MqttPropertyId.AuthenticationData, p.AuthenticationData);
        StringProperty(MqttPropertyId.ReasonString, p.ReasonString);
        UserProperties(p.UserProperties);
        AppendProperties();
    }

    private static byte ToV311ReturnCode(MqttConnectReasonCode code) => code switch
    {
        MqttConnectReasonCode.Success => 0,
        MqttConnectReasonCode.UnsupportedProtocolVersion => 1,
        MqttConnectReasonCode.ClientIdentifierNotValid => 2,
        MqttConnectReasonCode.BadUserNameOrPassword => 4,
        MqttConnectReasonCode.NotAuthorized => 5,
        _ => 3,
    };
}
