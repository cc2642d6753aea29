using System.Text;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Queue;

/// <summary>A compact binary form of a message for the file-backed queue (versioned by its first byte).</summary>
internal static class MqttMessageSerializer
{
    private const byte FormatVersion = 1;

    public static void Write(BinaryWriter writer, MqttApplicationMessage m)
    {
        writer.Write(FormatVersion);
        writer.Write(m.Topic);
        writer.Write((byte)m.QualityOfService);
        writer.Write(m.Retain);
        WriteBytes(writer, m.Payload.Span);
        writer.Write(m.PayloadFormat is { } format ? (short)format : (short)-1);
        writer.Write(m.MessageExpiryInterval.HasValue);
        writer.Write(m.MessageExpiryInterval ?? 0);
        WriteOptional(writer, m.ContentType);
        WriteOptional(writer, m.ResponseTopic);
        writer.Write(m.CorrelationData.HasValue);
        WriteBytes(writer, m.CorrelationData is { } c ? c.Span : default);
        writer.Write(m.UserProperties?.Count ?? 0);
        foreach (var p in m.UserProperties ?? [])
        {
            writer.Write(p.Name);
            writer.Write(p.Value);
        }
    }

    public static MqttApplicationMessage Read(BinaryReader reader)
    {
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"unknown queued-message format {version}");
        }

        var topic = reader.ReadString();
        var qos = (MqttQualityOfService)reader.ReadByte();
        var retain = reader.ReadBoolean();
        var payload = ReadBytes(reader);
        var format = reader.ReadInt16();
        var hasExpiry = reader.ReadBoolean();
        var expiry = reader.ReadUInt32();
        var contentType = ReadOptional(reader);
        var responseTopic = ReadOptional(reader);
        var hasCorrelation = reader.ReadBoolean();
        var correlation = ReadBytes(reader);
        var count = reader.ReadInt32();
        List<MqttUserProperty>? properties = count > 0 ? new(count) : null;
        for (var i = 0; i < count; i++)
        {
            properties!.Add(new MqttUserProperty(reader.ReadString(), reader.ReadString()));
        }

        return new MqttApplicationMessage(topic, payload)
        {
            QualityOfService = qos,
            Retain = retain,
            PayloadFormat = format < 0 ? null : (MqttPayloadFormat)format,
            MessageExpiryInterval = hasExpiry ? expiry : null,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = hasCorrelation ? correlation : (ReadOnlyMemory<byte>?)null,
            UserProperties = properties,
        };
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        return length is >= 0 and <= 256 * 1024 * 1024 ? reader.ReadBytes(length) : throw new InvalidDataException("bad length");
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        writer.Write(value ?? "");
    }

    private static string? ReadOptional(BinaryReader reader)
    {
        var present = reader.ReadBoolean();
        var value = reader.ReadString();
        return present ? value : null;
    }

    public static UTF8Encoding Encoding { get; } = new(false, true);
}
