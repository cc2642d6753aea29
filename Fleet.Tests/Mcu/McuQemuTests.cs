using System.Text.RegularExpressions;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Mcu;

/// <summary>The Cortex-M4 firmware, built with arm-none-eabi-gcc from the exported images, runs the self-test headless on QEMU mps2-an386.</summary>
[Collection(McuCollection.Name)]
public sealed partial class McuQemuTests(McuFixture fixture)
{
    [Fact]
    public async Task Firmware_OnEmulatedCortexM4_PassesTheSelfTestAndFitsTheBudget()
    {
        var elf = await fixture.FirmwareAsync("selftest");
        var run = await McuFixture.RunQemuAsync(elf);
        Assert.True(run.ExitCode == 0, $"qemu exit {run.ExitCode}: {run.StandardOutput}{run.StandardError}");
        Assert.Contains("self-test passed", run.StandardOutput);
        Assert.DoesNotContain("not ok", run.StandardOutput);
        var summary = Summary().Match(run.StandardOutput);
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value) >= 15 && summary.Groups[2].Value == "0", run.StandardOutput);
        Assert.Equal(Value(run.StandardOutput, "campaign: flips"), Value(run.StandardOutput, "campaign: healed"));
        Assert.Equal(1, Value(run.StandardOutput, "BENCH heal_outcome_healed"));

        var sections = await McuFixture.SectionsAsync(elf);
        Assert.InRange(McuFixture.FlashBytes(sections), 1, 256 * 1024);
        Assert.InRange(McuFixture.RamBytes(sections), 1, 64 * 1024);
    }

    [Fact]
    public async Task Firmware_WithAFailingCheck_EndsQemuWithANonZeroExitCode()
    {
        // Built to damage its factory image's header before booting: no model can start, and the run must say so.
        var elf = await fixture.FirmwareAsync("damaged", "-DFM_DAMAGE_FACTORY_HEADER");
        var run = await McuFixture.RunQemuAsync(elf);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not ok 1 - boot", run.StandardOutput);
        Assert.Contains("0 passed, 1 failed", run.StandardOutput);
    }

    private static long Value(string output, string key) =>
        long.Parse(Regex.Match(output, "^" + Regex.Escape(key) + @" (\d+)$", RegexOptions.Multiline).Groups[1].Value);

    [GeneratedRegex(@"^(\d+) passed, (\d+) failed$", RegexOptions.Multiline)]
    private static partial Regex Summary();
}
