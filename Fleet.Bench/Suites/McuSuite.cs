using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Shared.Mcu;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;

namespace Fleet.Bench.Suites;

/// <summary>
/// Fleet.Mcu: exports the reference vocoder and safety model, builds the host port and the Cortex-M4 firmware, runs
/// the bit-flip campaign and clean windows on the host build, and the firmware on QEMU mps2-an386 with -icount
/// (counted instructions, not time). Sizes come from the ELF's allocated sections.
/// </summary>
internal sealed partial class McuSuite : IBenchSuite
{
    private const double ClockMhz = 168;

    public string Name => "mcu";

    public string Description => "Fleet.Mcu on a Cortex-M4 (QEMU -icount): size, instructions per inference/heal, bit-flip campaign, int8 error";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new BenchResult();
        var source = Path.Combine(RepositoryRoot(), "Fleet.Mcu");
        var exported = Path.Combine(context.ScratchDirectory, "exported");
        var build = Path.Combine(context.ScratchDirectory, "build");
        var set = ReferenceModels.Build();
        var vocoder = Export(set.Vocoder, "vocoder", exported);
        var safety = Export(set.Safety, "vocoder-safety", exported);
        context.Progress.WriteLine($"  exported: vocoder int8 vs float relative RMS {vocoder.Error.RelativeRms:F4}, safety {safety.Error.RelativeRms:F4}");

        var trials = context.Scaled(10_000, 500);
        var clean = context.Scaled(10_000, 1000);
        var qemuTrials = context.Scaled(200, 20);
        await RunAsync("make", ["-C", source, "host", $"OUT={build}"], cancellationToken);
        await RunAsync("make", ["-C", source, "cm4", $"OUT={build}", $"GEN={exported}", $"FM_SELFTEST_TRIALS={qemuTrials}", "FM_SELFTEST_CLEAN=100"], cancellationToken);
        await RunAsync("make", ["-C", source, "cm4-agent", $"OUT={build}", $"GEN={exported}", "DEVICE_ID=mcu-bench"], cancellationToken);

        var host = await RunAsync(Path.Combine(build, "fm_host"),
            [Path.Combine(build, "flash.bin"), Path.Combine(exported, "vocoder.fmi"), Path.Combine(exported, "vocoder-safety.fmi"),
             "--trials", trials.ToString(CultureInfo.InvariantCulture), "--clean", clean.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var campaign = Campaign().Match(host);
        var cleanRun = Clean().Match(host);
        if (!campaign.Success || !cleanRun.Success)
        {
            throw new InvalidOperationException("fm_host printed no campaign summary:\n" + host);
        }

        long flips = Long(campaign, 1), detected = Long(campaign, 2), healed = Long(campaign, 3), validated = Long(campaign, 4);
        long windows = Long(cleanRun, 1), exceeded = Long(cleanRun, 2), falseHeals = Long(cleanRun, 3);

        var elf = Path.Combine(build, "fleet-mcu.elf");
        var qemu = await RunAsync("qemu-system-arm", ["-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", elf], cancellationToken);
        var probes = Probe().Matches(qemu).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        long qemuFlips = QemuValue(qemu, "campaign: flips"), qemuHealed = QemuValue(qemu, "campaign: healed"), qemuDetected = QemuValue(qemu, "campaign: detected");

        // The deployed firmware is the agent (link, desired state, model updates with SHA-256); the self-test firmware
        // (campaign, probes) is measured too. Both must fit the budget.
        var sections = await SectionsAsync(Path.Combine(build, "fleet-mcu-agent.elf"), cancellationToken);
        var flash = sections.Where(s => s.Address < 0x2000_0000 || s.Loaded).Sum(s => s.Size);
        var ram = sections.Where(s => s.Address >= 0x2000_0000).Sum(s => s.Size);
        var selfTest = await SectionsAsync(elf, cancellationToken);

        result.Add("mcu_flash_bytes", flash);
        result.Add("mcu_ram_bytes", ram);
        result.Add("mcu_flash_budget_bytes", 256L * 1024);
        result.Add("mcu_ram_budget_bytes", 64L * 1024);
        result.Add("mcu_flash_sections", string.Join(", ", sections.Where(s => s.Address < 0x2000_0000 || s.Loaded).Select(s => $"{s.Name} {s.Size}")));
        result.Add("mcu_ram_sections", string.Join(", ", sections.Where(s => s.Address >= 0x2000_0000).Select(s => $"{s.Name} {s.Size}")));
        result.Add("mcu_size_note", "mcu_flash_bytes / mcu_ram_bytes: the agent firmware (fleet-mcu-agent.elf: both models, the link, desired state, model updates with SHA-256, the two 32 KiB update banks and the persist page reserved); selftest_*: the self-test + probe firmware");
        result.Add("selftest_firmware_flash_bytes", selfTest.Where(s => s.Address < 0x2000_0000 || s.Loaded).Sum(s => s.Size));
        result.Add("selftest_firmware_ram_bytes", selfTest.Where(s => s.Address >= 0x2000_0000).Sum(s => s.Size));
        result.Add("inference_instructions", probes["inference_instructions"]);
        result.Add("inference_us_at_168mhz_estimate", probes["inference_instructions"] / ClockMhz);
        result.Add("safety_inference_instructions", probes["safety_inference_instructions"]);
        result.Add("digest_check_instructions", probes["digest_check_instructions"]);
        result.Add("restore_chunk_instructions", probes["restore_chunk_instructions"]);
        result.Add("full_reload_instructions_baseline", probes["full_reload_instructions"]);
        result.Add("restore_chunk_vs_full_reload", (double)probes["restore_chunk_instructions"] / probes["full_reload_instructions"]);
        result.Add("validation_instructions", probes["validation_instructions"]);
        result.Add("heal_instructions", probes["heal_instructions"]);
        result.Add("heal_us_at_168mhz_estimate", probes["heal_instructions"] / ClockMhz);
        result.Add("estimate_note", "µs = instructions / 168 MHz assuming 1 instruction per cycle; an estimate, not a measurement. Instructions counted by QEMU -icount shift=0 via SysTick (calibrated in the same run).");
        result.Add("update_receive_instructions", probes["update_receive_instructions"]);
        result.Add("sha256_image_instructions", probes["sha256_image_instructions"]);
        result.Add("sha256_image_bytes", probes["image_bytes"]);
        result.Add("sha256_instructions_per_byte", (double)probes["sha256_image_instructions"] / probes["image_bytes"]);
        result.Add("update_install_instructions", probes["update_install_instructions"]);
        result.Add("update_install_us_at_168mhz_estimate", probes["update_install_instructions"] / ClockMhz);
        result.Add("update_installed", probes["update_installed"]);
        result.Add("update_note", "a model update of the vocoder image (re-versioned 1.0.1): receive = writing it into the update bank in 1000-byte image-data calls; install = image end: SHA-256 of the image, header checks, loading its parameters into SRAM, golden validation of 16 cases, the bank switch (persist write), the update event and report JSON.");
        result.Add("heal_note", "heal_instructions = one command-triggered episode after a flip: digest check of every chunk, restore of the damaged chunk, golden validation (digests + 16 golden cases) and the heal event and report JSON.");
        result.Add("bitflip_trials_host", flips);
        result.Add("bitflip_trials_qemu", qemuFlips);
        result.Add("bitflip_detection_rate", (double)(detected + qemuDetected) / (flips + qemuFlips));
        result.Add("bitflip_healed_rate", (double)(healed + qemuHealed) / (flips + qemuFlips));
        result.Add("bitflip_validated_rate", (double)validated / flips);
        result.Add("clean_windows", windows);
        result.Add("false_positive_window_rate", (double)exceeded / windows);
        result.Add("false_heals_in_clean_windows", falseHeals);
        result.Add("int8_vs_float_error", vocoder.Error.RelativeRms);
        result.Add("int8_vs_float_error_safety", safety.Error.RelativeRms);
        result.Add("int8_vs_float_max_abs", vocoder.Error.MaxAbsolute);
        result.Add("int8_error_note", "relative RMS error sqrt(Σ(y8−y)²/Σy²) of the int8 network vs the float model over 2000 calibration inputs uniform in [0, 1]³");
        context.Progress.WriteLine($"  flash {flash} B, RAM {ram} B, inference {probes["inference_instructions"]} instr, restore {probes["restore_chunk_instructions"]} instr, heal {probes["heal_instructions"]} instr, SHA-256 of the image {probes["sha256_image_instructions"]} instr, update install {probes["update_install_instructions"]} instr");
        return result;
    }

    private static McuExport Export(ReferenceModel model, string id, string directory)
    {
        var package = ModelPackageReader.Read(ModelPackageWriter.Write(ModelPackage.FromReference(model, id, "1.0.0"))).Package!;
        var export = McuExporter.ExportPackage(package, new McuExportOptions(InputMin: 0, InputMax: 1));
        McuExportFiles.Write(export, directory, id);
        return export;
    }

    private static async Task<List<(string Name, long Address, long Size, bool Loaded)>> SectionsAsync(string elf, CancellationToken cancellationToken)
    {
        var text = await RunAsync("arm-none-eabi-readelf", ["-S", "-W", elf], cancellationToken);
        return Section().Matches(text).Select(m => (m.Groups[1].Value, Convert.ToInt64(m.Groups[3].Value, 16), Convert.ToInt64(m.Groups[4].Value, 16), m.Groups[2].Value == "PROGBITS")).ToList();
    }

    private static long QemuValue(string output, string key) =>
        long.Parse(Regex.Match(output, "^" + Regex.Escape(key) + @" (\d+)$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);

    private static long Long(Match m, int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited {process.ExitCode}:\n{await stdout}{await stderr}");
        }

        return await stdout;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("run from the Fleet repository: Fleet.sln not found");
    }

    [GeneratedRegex(@"campaign: flips=(\d+) detected=(\d+) healed=(\d+) validated=(\d+)")]
    private static partial Regex Campaign();

    [GeneratedRegex(@"clean: windows=(\d+) exceeded=(\d+) heals=(\d+)")]
    private static partial Regex Clean();

    [GeneratedRegex(@"^BENCH (\S+) (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Probe();

    [GeneratedRegex(@"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{8})\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s")]
    private static partial Regex Section();
}
