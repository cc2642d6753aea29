using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

internal sealed partial class MqttPacketDecoder
{
    private MqttConnectPacket DecodeConnect(ref MqttSpanReader reader)
    {
        if (reader.ReadString() != "MQTT")
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "protocol name is not MQTT");
        }

        var level = reader.ReadByte();
        if (level is not (4 or 5))
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"protocol level {level} is not supported");
        }

        Version = (MqttProtocolVersion)level;
        var flags = reader.ReadByte();
        if ((flags & 0x01) != 0)
        {
            throw new MqttProtocolViolationException("CONNECT reserved flag set");
        }

        var hasWill = (flags & 0x04) != 0;
        var willQos = (flags >> 3) & 0x03;
        var willRetain = (flags & 0x20) != 0;
        if (willQos == 3 || (!hasWill && (willQos != 0 || willRetain)))
        {
            throw new MqttProtocolViolationException("CONNECT will flags are inconsistent");
        }

        var hasPassword = (flags & 0x40) != 0;
        var hasUserName = (flags & 0x80) != 0;
        if (!V5 && hasPassword && !hasUserName)
        {
            throw new MqttProtocolViolationException("CONNECT password without user name (3.1.1)");
        }

        var keepAlive = reader.ReadUInt16();
        var p = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Connect) : default;
        var clientId = reader.ReadString();
        MqttApplicationMessage? will = null;
        uint willDelay = 0;
        if (hasWill)
        {
            var wp = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Will) : default;
            var willTopic = reader.ReadString();
            if (willTopic.Length == 0 || willTopic.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                throw new MqttProtocolViolationException(MqttDisconnectReasonCode.TopicNameInvalid, "will topic is empty or has wildcards");
            }

            will = new MqttApplicationMessage(willTopic, reader.ReadBinary())
            {
                QualityOfService = (MqttQualityOfService)willQos,
                Retain = willRetain,
                PayloadFormat = (MqttPayloadFormat?)wp.PayloadFormatIndicator,
                MessageExpiryInterval = wp.MessageExpiryInterval,
                ContentType = wp.ContentType,
                ResponseTopic = wp.ResponseTopic,
                CorrelationData = AsMemory(wp.CorrelationData),
                UserProperties = wp.UserProperties,
            };
            willDelay = wp.WillDelayInterval ?? 0;
        }

        var userName = hasUserName ? reader.ReadString() : null;
        var password = hasPassword ? new ReadOnlyMemory<byte>(reader.ReadBinary()) : (ReadOnlyMemory<byte>?)null;
        return new MqttConnectPacket
        {
            ProtocolVersion = Version,
            ClientId = clientId,
            CleanStart = (flags & 0x02) != 0,
            KeepAliveSeconds = keepAlive,
            UserName = userName,
            Password = password,
            Will = will,
            WillDelayInterval = willDelay,
            SessionExpiryInterval = p.SessionExpiryInterval ?? 0,
            ReceiveMaximum = p.ReceiveMaximum,
            MaximumPacketSize = p.MaximumPacketSize,
            TopicAliasMaximum = p.TopicAliasMaximum,
            RequestResponseInformation = p.RequestResponseInformation is { } rri ? rri == 1 : null,
            RequestProblemInformation = p.RequestProblemInformation is { } rpi ? rpi == 1 : null,
            AuthenticationMethod = p.AuthenticationMethod,
            AuthenticationData = AsMemory(p.AuthenticationData),
            UserProperties = p.UserProperties,
        };
    }

    private MqttConnAckPacket DecodeConnAck(ref MqttSpanReader reader)
    {
        var flags = reader.ReadByte();
        if ((flags & 0xFE) != 0)
        {
            throw new MqttProtocolViolationException("CONNACK reserved flags set");
        }

        var code = reader.ReadByte();
        MqttConnectReasonCode reasonCode;
        if (V5)
        {
            reasonCode = (MqttConnectReasonCode)code;
            if (!Enum.IsDefined(reasonCode))
            {
                throw new MqttProtocolViolationException($"reason code 0x{code:X2} is not valid in CONNACK");
            }
        }
        else
        {
            reasonCode = code switch
            {
                0 => MqttConnectReasonCode.Success,
                1 => MqttConnectReasonCode.UnsupportedProtocolVersion,
                2 => MqttConnectReasonCode.ClientIdentifierNotValid,
                3 => MqttConnectReasonCode.ServerUnavailable,
                4 => MqttConnectReasonCode.BadUserNameOrPassword,
                5 => MqttConnectReasonCode.NotAuthorized,
                _ => throw new MqttProtocolViolationException($"CONNACK return code {code} is reserved"),
            };
        }

        if (flags != 0 && reasonCode != MqttConnectReasonCode.Success)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "session present on a refused connection");
        }

        var p = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.ConnAck) : default;
        return new MqttConnAckPacket
        {
            SessionPresent = flags == 1,
            ReasonCode = reasonCode,
            SessionExpiryInterval = p.SessionExpiryInterval,
            ReceiveMaximum = p.ReceiveMaximum,
            MaximumQoS = (MqttQualityOfService?)p.MaximumQoS,
            RetainAvailable = p.RetainAvailable is { } ra ? ra == 1 : null,
            MaximumPacketSize = p.MaximumPacketSize,
            AssignedClientIdentifier = p.AssignedClientIdentifier,
            TopicAliasMaximum = p.TopicAliasMaximum,
            ReasonString = p.ReasonString,
            WildcardSubscriptionAvailable = p.WildcardSubscriptionAvailable is { } w ? w == 1 : null,
            SubscriptionIdentifiersAvailable = p.SubscriptionIdentifierAvailable is { } s ? s == 1 : null,
            SharedSubscriptionAvailable = p.SharedSubscriptionAvailable is { } sh ? sh == 1 : null,
            ServerKeepAlive = p.ServerKeepAlive,
            ResponseInformation = p.ResponseInformation,
            ServerReference = p.ServerReference,
            AuthenticationMethod = p.AuthenticationMethod,
            AuthenticationData = AsMemory(p.AuthenticationData),
            UserProperties = p.UserProperties,
        };
    }

    private MqttSubscribePacket DecodeSubscribe(ref MqttSpanReader reader)
    {
        var packetId = ReadPacketId(ref reader);
        var p = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Subscribe) : default;
        var subscriptions = new List<MqttTopicSubscription>();
        while (!reader.End)
        {
            var filter = reader.ReadString();
            var options = reader.ReadByte();
            if ((options & (V5 ? 0xC0 : 0xFC)) != 0 || (options & 0x03) == 3 || ((options >> 4) & 0x03) == 3)
            {
                throw new MqttProtocolViolationException($"invalid subscription options 0x{options:X2}");
            }

            subscriptions.Add(new MqttTopicSubscription(filter, (MqttQualityOfService)(options & 0x03), (options & 0x04) != 0,
                (options & 0x08) != 0, (MqttRetainHandling)((options >> 4) & 0x03)));
        }

        if (subscriptions.Count == 0)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "SUBSCRIBE without topic filters");
        }

        return new MqttSubscribePacket(packetId, subscriptions)
        {
            SubscriptionIdentifier = p.SubscriptionIdentifiers is [var id] ? id : p.SubscriptionIdentifiers is null ? null
                : throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "SUBSCRIBE with several subscription identifiers"),
            UserProperties = p.UserProperties,
        };
    }

    private MqttUnsubscribePacket DecodeUnsubscribe(ref MqttSpanReader reader)
    {
        var packetId = ReadPacketId(ref reader);
        var p = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Unsubscribe) : default;
        var filters = new List<string>();
        while (!reader.End)
        {
            filters.Add(reader.ReadString());
        }

        if (filters.Count == 0)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "UNSUBSCRIBE without topic filters");
        }

        return new MqttUnsubscribePacket(packetId, filters) { UserProperties = p.UserProperties };
    }
}
