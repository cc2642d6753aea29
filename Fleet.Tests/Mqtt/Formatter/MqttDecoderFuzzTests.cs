using System.Buffers;
using System.Text;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Formatter;

public sealed class MqttDecoderFuzzTests
{
    private const int Iterations = 1_000_000;

    [Fact]
    public void Decode_MillionRandomAndMutatedPackets_OnlyEverThrowsProtocolViolations()
    {
        var random = new Random(20261122);
        var seeds = SeedPackets();
        var decoders = new[] { new MqttPacketDecoder(MqttProtocolVersion.V500, 16), new MqttPacketDecoder(MqttProtocolVersion.V311) };
        var scratch = new byte[512];
        long decoded = 0, violations = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < Iterations; i++)
        {
            var length = Mutate(random, seeds[random.Next(seeds.Length)], scratch, i % 8 == 0);
            var buffer = new ReadOnlySequence<byte>(scratch, 0, length);
            var decoder = decoders[i & 1];
            try
            {
                // Several frames may sit in one buffer; decode until more bytes would be needed, as the read loop does.
                for (var frames = 0; frames < 4 && MqttFrameReader.TryRead(ref buffer, 4096, out var header, out var body); frames++)
                {
                    decoder.Decode(header, body);
                    decoded++;
                }
            }
            catch (MqttProtocolViolationException ex)
            {
                Assert.True(Enum.IsDefined(ex.ReasonCode) && (byte)ex.ReasonCode >= 0x80, $"reason code {ex.ReasonCode}");
                violations++;
            }
        }

        // Bounded memory: allocation follows the bytes actually present, never the lengths a packet claims.
        var allocatedPerInput = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / Iterations;
        Assert.True(decoded > Iterations / 20, $"only {decoded} packets decoded: mutations too destructive to exercise the decoder");
        Assert.True(violations > Iterations / 20, $"only {violations} violations: mutations too gentle");
        Assert.True(allocatedPerInput < 2048, $"decoder allocated {allocatedPerInput} bytes per input of at most 512 bytes");
    }

    private static int Mutate(Random random, byte[] seed, byte[] scratch, bool randomBytes)
    {
        if (randomBytes)
        {
            var n = random.Next(0, 64);
            random.NextBytes(scratch.AsSpan(0, n));
            return n;
        }

        seed.CopyTo(scratch, 0);
        var length = seed.Length;
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 when length > 0: scratch[random.Next(length)] ^= (byte)(1 << random.Next(8)); break;
                case 1 when length > 0: scratch[random.Next(length)] = (byte)random.Next(256); break;
                case 2 when length > 1: length = random.Next(1, length); break;
                case 3 when length < scratch.Length - 8:
                    random.NextBytes(scratch.AsSpan(length, 4));
                    length += 4;
                    break;
                case 4 when length > 1: scratch[1] = (byte)random.Next(256); break;
                default: if (length > 2) { scratch[random.Next(2, length)] = 0xFF; } break;
            }
        }

        return length;
    }

    private static byte[][] SeedPackets()
    {
        var props = new MqttUserProperty[] { new("k", "v") };
        var packets = new MqttPacket[]
        {
            new MqttPublishPacket(new MqttApplicationMessage("a/b", Encoding.UTF8.GetBytes("payload")) { QualityOfService = MqttQualityOfService.AtLeastOnce, ContentType = "c", UserProperties = props, ResponseTopic = "r", CorrelationData = new byte[] { 1 } }, 3),
            new MqttPublishPacket(new MqttApplicationMessage("t") { PayloadFormat = MqttPayloadFormat.Utf8 }, topicAlias: 2),
            new MqttConnAckPacket { ReceiveMaximum = 5, TopicAliasMaximum = 3, ReasonString = "ok", UserProperties = props, SessionExpiryInterval = 10 },
            new MqttAckPacket(MqttPacketType.PubAck, 1, 0x10) { ReasonString = "x" },
            new MqttAckPacket(MqttPacketType.PubRel, 2),
            new MqttSubAckPacket(MqttPacketType.SubAck, 4, [0, 1, 0x80]),
            new MqttSubAckPacket(MqttPacketType.UnsubAck, 4, [0, 0x11]),
            new MqttDisconnectPacket(MqttDisconnectReasonCode.ServerShuttingDown) { ReasonString = "bye" },
            new MqttConnectPacket { ClientId = "c", Will = new MqttApplicationMessage("w", new byte[] { 1 }), UserName = "u", Password = new byte[] { 2 }, SessionExpiryInterval = 5 },
            new MqttSubscribePacket(5, [new MqttTopicSubscription("a/#", MqttQualityOfService.AtLeastOnce, true)]) { SubscriptionIdentifier = 7 },
            new MqttUnsubscribePacket(6, ["x"]),
            new MqttAuthPacket(0x18) { AuthenticationMethod = "m" },
            MqttPingPacket.Response,
        };
        return [.. packets.Select(p => MqttCodec.Encode(p, MqttProtocolVersion.V500))];
    }
}
