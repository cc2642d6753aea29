using System.Buffers.Binary;
using Fleet.Device.Monitoring;
using Fleet.Shared.Models;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Device.Monitoring;

public sealed class OutputSnippetTests
{
    private const int Window = 100;
    private const int FrameLength = 160;

    [Fact]
    public void Attach_AfterACleanWindowAndATriggeringOne_CarriesBothExcerptsDecimatedAsPcm()
    {
        var snippet = new OutputSnippet(sampleRate: 16_000, frames: 12, decimation: 2);
        RunWindow(snippet, 0.5f);
        snippet.WindowClosed(Verdict(HealTrigger.None));
        RunWindow(snippet, -0.25f);
        snippet.WindowClosed(Verdict(HealTrigger.Digest));

        var output = snippet.Attach(Heal()).Output!;

        Assert.Equal(8_000, output.SampleRate);
        Assert.Equal(12 * FrameLength / 2, Samples(output.Clean!).Length);
        Assert.All(Samples(output.Clean!), s => Assert.Equal((short)Math.Round(0.5 * short.MaxValue), s));
        Assert.All(Samples(output.Corrupted!), s => Assert.Equal((short)Math.Round(-0.25 * short.MaxValue), s));
    }

    [Fact]
    public void Attach_KeepsTheLastFramesOfTheWindowInOrder_AndClipsWildValues()
    {
        var snippet = new OutputSnippet(sampleRate: 16_000, frames: 3, decimation: 1);
        var frame = new float[FrameLength];
        for (var position = 0; position < Window; position++)
        {
            Array.Fill(frame, position == Window - 1 ? float.PositiveInfinity : position == Window - 2 ? float.NaN : position / 1000f);
            snippet.Offer(position, Window, frame);
        }

        snippet.WindowClosed(Verdict(HealTrigger.Digest));
        var samples = Samples(snippet.Attach(Heal()).Output!.Corrupted!);

        Assert.Equal(3 * FrameLength, samples.Length);
        Assert.Equal((short)Math.Round(0.097 * short.MaxValue), samples[0]);
        Assert.Equal(0, samples[FrameLength]);
        Assert.Equal(short.MaxValue, samples[^1]);
    }

    [Fact]
    public void Attach_WithNoCleanWindowYet_SendsOnlyTheCorruptedExcerpt_AndAtMostMaxSamples()
    {
        var snippet = new OutputSnippet(sampleRate: 16_000, frames: 12, decimation: 1);
        RunWindow(snippet, 0.1f);
        snippet.WindowClosed(Verdict(HealTrigger.Kl));

        var output = snippet.Attach(Heal()).Output!;

        Assert.Null(output.Clean);
        Assert.Equal(HealOutputSnippets.MaxSamples, Samples(output.Corrupted!).Length);
    }

    [Fact]
    public void Attach_BeforeAnyWindow_LeavesTheEventAsItWas()
    {
        var heal = Heal();

        Assert.Same(heal, new OutputSnippet(16_000).Attach(heal));
    }

    [Fact]
    public void Core_HealingAFlippedExponentBit_AttachesTheCleanAndTheCorruptedOutput()
    {
        var time = DeviceTestKit.Clock();
        var directory = Directory.CreateTempSubdirectory("fleet-snippet-").FullName;
        try
        {
            using var core = DeviceTestKit.Core(directory, time);
            DeviceTestKit.WarmUp(core, time);
            var first = core.Host.Weights.Names[0];
            ReferenceModels.FlipBit(core.Host.Weights[first], 0, 30);

            var heal = DeviceTestKit.Window(core, time).Episode?.Heal;

            Assert.NotNull(heal);
            Assert.Equal(HealOutcome.Healed, heal.Outcome);
            var output = heal.Output!;
            Assert.Equal(HarmonicSynth.SampleRate / 2, output.SampleRate);
            var clean = Samples(output.Clean!);
            var corrupted = Samples(output.Corrupted!);
            Assert.Equal(core.Snippet!.Frames * HarmonicSynth.FrameLength / 2, clean.Length);
            Assert.True(clean.Any(s => s != 0), "the clean excerpt is audio, not silence");
            Assert.NotEqual(clean, corrupted);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void RunWindow(OutputSnippet snippet, float value)
    {
        var frame = new float[FrameLength];
        Array.Fill(frame, value);
        for (var position = 0; position < Window; position++)
        {
            snippet.Offer(position, Window, frame);
        }
    }

    private static short[] Samples(byte[] pcm)
    {
        var samples = new short[pcm.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 2));
        }

        return samples;
    }

    private static HealEvent Heal() => new() { Id = "h-1", Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware, Outcome = HealOutcome.Healed };

    private static WindowVerdict Verdict(HealTrigger trigger) =>
        new(1, trigger, 0.01, 0.2, 0, 1, 0, 100, 200, 100, null, [], true, true, trigger != HealTrigger.None, trigger == HealTrigger.None ? [] : [trigger]);
}
