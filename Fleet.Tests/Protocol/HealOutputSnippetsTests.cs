using System.Text;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

public sealed class HealOutputSnippetsTests
{
    [Fact]
    public void HealWithOutput_RoundTrips_AsBase64Pcm()
    {
        var heal = new HealEvent
        {
            Seq = 3,
            Id = "h-3",
            Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware,
            Outcome = HealOutcome.Healed,
            Output = new HealOutputSnippets { SampleRate = 8000, Clean = [1, 0, 255, 127], Corrupted = [0, 128] },
        };

        var json = Encoding.UTF8.GetString(WireCodec.Encode<DeviceEvent>(heal));
        var decoded = WireCodec.DecodeEvent(Encoding.UTF8.GetBytes(json));

        Assert.Contains("\"output\":{\"sampleRate\":8000,\"clean\":\"AQD/fw==\",\"corrupted\":\"AIA=\"}", json, StringComparison.Ordinal);
        var output = Assert.IsType<HealEvent>(decoded.Value).Output!;
        Assert.Equal([1, 0, 255, 127], output.Clean);
        Assert.Equal([0, 128], output.Corrupted);
    }

    [Fact]
    public void ForeignHeal_WithoutOutput_OrWithOnlyTheCorruptedExcerpt_Decodes()
    {
        var plain = WireCodec.DecodeEvent("""{"v":1,"seq":1,"type":"heal","id":"h-1","diagnosis":"hardware","outcome":"healed"}"""u8);
        var partial = WireCodec.DecodeEvent("""{"v":1,"seq":2,"type":"heal","id":"h-2","diagnosis":"hardware","outcome":"healed","output":{"sampleRate":8000,"corrupted":"AAA="}}"""u8);

        Assert.Null(Assert.IsType<HealEvent>(plain.Value).Output);
        Assert.Null(Assert.IsType<HealEvent>(partial.Value).Output!.Clean);
    }

    [Fact]
    public void Output_WithBadBase64OrNoSampleRate_IsAnInvalidEventValue()
    {
        var badBase64 = WireCodec.DecodeEvent("""{"v":1,"seq":1,"type":"heal","id":"h-1","diagnosis":"hardware","outcome":"healed","output":{"sampleRate":8000,"clean":"not base64!"}}"""u8);
        var noRate = WireCodec.DecodeEvent("""{"v":1,"seq":1,"type":"heal","id":"h-1","diagnosis":"hardware","outcome":"healed","output":{"clean":"AAA="}}"""u8);

        Assert.Equal(WireErrorKind.Invalid, badBase64.Error!.Kind);
        Assert.Equal(WireErrorKind.Invalid, noRate.Error!.Kind);
    }
}
