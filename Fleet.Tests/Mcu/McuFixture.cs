using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Tests.Cli;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Mcu;

/// <summary>
/// Exports the reference vocoder and safety model with <c>fleet models export-mcu</c> (from local packages) and
/// builds Fleet.Mcu's host port from them, once for every MCU test class. The C tests therefore run on images
/// written by Fleet's own exporter.
/// </summary>
public sealed class McuFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "fleet-mcu-" + Guid.NewGuid().ToString("N")[..8]);

    public string Exported => Path.Combine(Root, "exported");

    public string Build => Path.Combine(Root, "build");

    public static string RepositoryRoot { get; } = FindRoot();

    public static string McuSource => Path.Combine(RepositoryRoot, "Fleet.Mcu");

    public string VocoderImage => Path.Combine(Exported, "vocoder.fmi");

    public string SafetyImage => Path.Combine(Exported, "vocoder-safety.fmi");

    /// <summary>The reference vocoder exported as version 1.0.1: a model update for an MCU running the factory's 1.0.0.</summary>
    public string UpdateImage => Path.Combine(Root, "exported-1.0.1", "vocoder.fmi");

    internal CliRunner.Run VocoderExport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var set = ReferenceModels.Build();
        VocoderExport = await ExportAsync(set.Vocoder, "vocoder");
        await ExportAsync(set.Safety, "vocoder-safety");
        await ExportAsync(set.Vocoder, "vocoder", "1.0.1", Path.GetDirectoryName(UpdateImage)!);
        var make = await ProcessRunner.RunAsync("make", ["-C", McuSource, "host", $"OUT={Build}"], TimeSpan.FromMinutes(3));
        if (make.ExitCode != 0)
        {
            throw new InvalidOperationException($"make host failed: {make.StandardOutput}{make.StandardError}");
        }
    }

    /// <summary>Deletes the directory unless FLEET_MCU_KEEP is set (to inspect the exported images and builds).</summary>
    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("FLEET_MCU_KEEP") is null)
        {
            Directory.Delete(Root, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>Builds the Cortex-M4 firmware from the exported images into its own directory; returns the ELF.</summary>
    public async Task<string> FirmwareAsync(string name, string extraFlags = "", int trials = 50, int clean = 100)
    {
        var output = Path.Combine(Build, "cm4-" + name);
        var make = await ProcessRunner.RunAsync("make", ["-C", McuSource, "cm4", $"OUT={output}", $"GEN={Exported}",
            $"CM4_EXTRA={extraFlags}", $"FM_SELFTEST_TRIALS={trials}", $"FM_SELFTEST_CLEAN={clean}"], TimeSpan.FromMinutes(3));
        if (make.ExitCode != 0)
        {
            throw new InvalidOperationException($"make cm4 failed: {make.StandardOutput}{make.StandardError}");
        }

        return Path.Combine(output, "fleet-mcu.elf");
    }

    /// <summary>Builds the agent firmware (the MCU on its UART1 link) with the given device id; returns the ELF.</summary>
    public async Task<string> AgentFirmwareAsync(string deviceId)
    {
        var output = Path.Combine(Build, "cm4-agent-" + deviceId);
        var make = await ProcessRunner.RunAsync("make", ["-C", McuSource, "cm4-agent", $"OUT={output}", $"GEN={Exported}", $"DEVICE_ID={deviceId}"], TimeSpan.FromMinutes(3));
        if (make.ExitCode != 0)
        {
            throw new InvalidOperationException($"make cm4-agent failed: {make.StandardOutput}{make.StandardError}");
        }

        return Path.Combine(output, "fleet-mcu-agent.elf");
    }

    /// <summary>
    /// Runs firmware headless on QEMU mps2-an386 with <c>-icount shift=0</c> (deterministic: one instruction per ns
    /// of virtual time); UART0 is stdout, semihosting carries only the exit code.
    /// </summary>
    public static Task<ProcessRunner.Result> RunQemuAsync(string elf) =>
        ProcessRunner.RunAsync("qemu-system-arm", ["-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", elf], TimeSpan.FromMinutes(3));

    /// <summary>Allocated ELF sections: name, address, size, whether the load image carries bytes (PROGBITS).</summary>
    public static async Task<IReadOnlyList<(string Name, long Address, long Size, bool Loaded)>> SectionsAsync(string elf)
    {
        var run = await ProcessRunner.RunAsync("arm-none-eabi-readelf", ["-S", "-W", elf], TimeSpan.FromMinutes(1));
        var sections = new List<(string, long, long, bool)>();
        foreach (var line in run.StandardOutput.Split('\n'))
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{8})\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s");
            if (m.Success)
            {
                sections.Add((m.Groups[1].Value, Convert.ToInt64(m.Groups[3].Value, 16), Convert.ToInt64(m.Groups[4].Value, 16), m.Groups[2].Value == "PROGBITS"));
            }
        }

        return sections;
    }

    /// <summary>Flash: every allocated section placed below SRAM, plus the initial values of SRAM data copied from flash.</summary>
    public static long FlashBytes(IReadOnlyList<(string Name, long Address, long Size, bool Loaded)> sections) =>
        sections.Where(s => s.Address < 0x2000_0000 || s.Loaded).Sum(s => s.Size);

    /// <summary>SRAM: every allocated section placed in SRAM, the stack reserve included.</summary>
    public static long RamBytes(IReadOnlyList<(string Name, long Address, long Size, bool Loaded)> sections) =>
        sections.Where(s => s.Address >= 0x2000_0000).Sum(s => s.Size);

    /// <summary>Writes the model's package and exports it through the CLI.</summary>
    private async Task<CliRunner.Run> ExportAsync(ReferenceModel model, string id, string version = "1.0.0", string? output = null)
    {
        var package = Path.Combine(Root, $"{id}-{version}.zip");
        await File.WriteAllBytesAsync(package, ModelPackageWriter.Write(ModelPackage.FromReference(model, id, version)));
        var run = await CliRunner.RunAsync("models", "export-mcu", id, version, "--package", package, "--out", output ?? Exported, "--input-range", "0:1");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"export-mcu {id} failed: {run.Output}{run.Error}");
        }

        return run;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs alone, not beside other collections: QEMU at full speed takes a core, and timing-sensitive end-to-end
/// tests elsewhere (rollout soaks with real agents) should not share the machine with it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class McuCollection : ICollectionFixture<McuFixture>
{
    public const string Name = "mcu";
}
