using System.Text.RegularExpressions;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Mcu;

/// <summary>Fleet.Mcu's C unit tests and self-test (bit-flip campaign included), host build, on exported images.</summary>
[Collection(McuCollection.Name)]
public sealed partial class McuHostTests(McuFixture fixture)
{
    [Fact]
    public async Task UnitTests_OnExportedImages_AllPass()
    {
        var run = await ProcessRunner.RunAsync(Path.Combine(fixture.Build, "fm_unit"), [fixture.VocoderImage, fixture.SafetyImage], TimeSpan.FromMinutes(2));
        var summary = Summary().Match(run.StandardOutput);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value) >= 20 && summary.Groups[2].Value == "0", run.StandardOutput);
    }

    [Fact]
    public async Task SelfTest_ThousandBitFlips_EachDetectedWithinOneDigestPeriodHealedAndValidated()
    {
        var flash = Path.Combine(fixture.Root, "flash-campaign.bin");
        var run = await ProcessRunner.RunAsync(Path.Combine(fixture.Build, "fm_host"),
            [flash, fixture.VocoderImage, fixture.SafetyImage, "--trials", "1000", "--clean", "2000"], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Contains("campaign: flips=1000 detected=1000 healed=1000 validated=1000", run.StandardOutput);
        var maxDetect = int.Parse(MaxDetect().Match(run.StandardOutput).Groups[1].Value);
        var period = int.Parse(MaxDetect().Match(run.StandardOutput).Groups[2].Value);
        Assert.InRange(maxDetect, 1, period);
        Assert.Matches(Summary(), run.StandardOutput);
        Assert.DoesNotContain("not ok", run.StandardOutput);
    }

    [GeneratedRegex(@"^(\d+) passed, (\d+) failed$", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"max_detect_windows=(\d+) digest_period=(\d+)")]
    private static partial Regex MaxDetect();
}
