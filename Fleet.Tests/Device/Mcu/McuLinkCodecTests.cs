using Fleet.Device.Mcu;

namespace Fleet.Tests.Device.Mcu;

public sealed class McuLinkCodecTests
{
    // docs/MCU-LINK.md's example; Fleet.Mcu's C unit tests check the same bytes.
    private static readonly byte[] SpecExample = Convert.FromHexString("F1EE020708000" + "07B2276223A317DF77AA5B6");

    [Fact]
    public void Encode_SpecExample_ReproducesItsBytes()
    {
        var payload = new byte[] { (byte)McuTopic.Status }.Concat("{\"v\":1}"u8.ToArray()).ToArray();
        Assert.Equal(SpecExample, McuLinkCodec.Encode(McuFrameType.Message, 7, payload));
    }

    [Fact]
    public void Feed_GarbageFalseStartAndDamagedFrame_FindsTheFramesAfterThem()
    {
        var damaged = SpecExample.ToArray();
        damaged[9] ^= 0x20;
        byte[] stream = [0x00, 0xF1, 0x13, 0xF1, 0xEE, 0x02, 0x00, 0xFF, 0xFF, .. damaged, .. SpecExample, .. SpecExample];
        var codec = new McuLinkCodec();
        var frames = codec.Feed(stream);
        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.Equal((McuFrameType.Message, (byte)7, "{\"v\":1}"), (f.Type, f.Sequence, System.Text.Encoding.ASCII.GetString(f.Payload, 1, f.Payload.Length - 1))));
        Assert.True(codec.Dropped > 0);
    }

    [Fact]
    public void Feed_ByteByByte_GivesTheSameFramesAsOneBlock()
    {
        var frames = Enumerable.Range(0, 5).Select(i => McuLinkCodec.Encode(McuFrameType.Command, (byte)i, new byte[i * 100])).SelectMany(f => f).ToArray();
        var codec = new McuLinkCodec();
        var one = frames.SelectMany(b => codec.Feed([b])).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (byte)i), one.Select(f => f.Sequence));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => i * 100), one.Select(f => f.Payload.Length));
    }

    [Fact]
    public void Encode_PayloadOverTheLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => McuLinkCodec.Encode(McuFrameType.Command, 0, new byte[McuLinkCodec.MaxPayload + 1]));
}
