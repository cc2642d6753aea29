using Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Device.Packaging;

/// <summary>
/// <c>./fleet package device</c>: the arm64 package holds only AArch64 native code (a Pi cannot run anything else), the
/// x64 package runs here, and both carry what install.sh needs.
/// </summary>
[Collection(DevicePackageCollection.Name)]
public sealed class DevicePackageTests(DevicePackageFixture packages, ITestOutputHelper output)
{
    [Fact]
    public void Arm64Package_EveryNativeBinary_IsAArch64Elf()
    {
        Report(packages.Arm64);
        var elves = ElfFiles(packages.Arm64);
        foreach (var (path, header) in elves)
        {
            Assert.True(header.Is64Bit && header.LittleEndian && header.Machine == ElfHeader.AArch64,
                $"{Path.GetRelativePath(packages.Arm64.Directory, path)} is ELF for machine {header.Machine} (64-bit {header.Is64Bit}), not AArch64 ({ElfHeader.AArch64})");
        }

        // The check means something only if the binaries that matter are among the files checked.
        var names = elves.Select(e => Path.GetFileName(e.Path)).ToHashSet();
        Assert.Contains("fleet-device", names);
        Assert.Contains("libonnxruntime.so", names);
        Assert.Contains("libcoreclr.so", names);
    }

    [Fact]
    public void Arm64Package_EverySharedLibrary_IsElf()
    {
        var libraries = Directory.EnumerateFiles(packages.Arm64.Directory, "*.so*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(libraries);
        Assert.All(libraries, library => Assert.True(ElfHeader.Read(library) is not null, $"{library} is not an ELF file"));
    }

    [Fact]
    public async Task X64Package_RunsVersionAndOnnxRuntimeSelfCheck()
    {
        Report(packages.X64);
        Assert.All(ElfFiles(packages.X64), e => Assert.Equal(ElfHeader.X86_64, e.Header.Machine));
        var agent = Path.Combine(packages.X64.App, "fleet-device");
        var version = File.ReadAllText(Path.Combine(packages.X64.Directory, "VERSION")).Trim();

        var printed = await ProcessRunner.RunAsync(agent, ["--version"], TimeSpan.FromMinutes(2));
        Assert.True(printed.ExitCode == 0, printed.StandardError);
        Assert.Equal($"fleet-device {version} (linux-x64", printed.StandardOutput.Split(',')[0]);

        var check = await ProcessRunner.RunAsync(agent, ["--self-check"], TimeSpan.FromMinutes(2));
        Assert.True(check.ExitCode == 0, $"self-check exited {check.ExitCode}: {check.StandardError}");
        Assert.Equal("ONNX Runtime 1.32.0: self-check passed", check.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("arm64")]
    [InlineData("x64")]
    public async Task Package_CarriesInstallScriptUnitAndExampleConfiguration(string arch)
    {
        var package = arch == "arm64" ? packages.Arm64 : packages.X64;
        var version = File.ReadAllText(Path.Combine(package.Directory, "VERSION")).Trim();
        Assert.Equal($"fleet-device-{version}-linux-{arch}.tar.gz", Path.GetFileName(package.Archive));
        Assert.Equal($"linux-{arch}", File.ReadAllText(Path.Combine(package.Directory, "ARCH")).Trim());
        Assert.Equal($"fleet-device-{version}-linux-{arch}", Path.GetFileName(package.Directory));

        var install = Path.Combine(package.Directory, "install.sh");
        Assert.True((File.GetUnixFileMode(install) & UnixFileMode.UserExecute) != 0, "install.sh is not executable");
        var syntax = await ProcessRunner.RunAsync("sh", ["-n", install], TimeSpan.FromMinutes(1));
        Assert.True(syntax.ExitCode == 0, $"install.sh does not parse: {syntax.StandardError}");
        Assert.True((File.GetUnixFileMode(Path.Combine(package.App, "fleet-device")) & UnixFileMode.UserExecute) != 0, "fleet-device is not executable");
        Assert.Contains("ExecStart=/opt/fleet/fleet-device --config /etc/fleet/device.json", File.ReadAllText(Path.Combine(package.Directory, "fleet-device.service")));
        using var example = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "device.example.json")));
        Assert.Equal("/var/lib/fleet", example.RootElement.GetProperty("dataDirectory").GetString());
    }

    private static List<(string Path, ElfHeader Header)> ElfFiles(DevicePackage package) =>
        Directory.EnumerateFiles(package.Directory, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Header: ElfHeader.Read(path)))
            .Where(e => e.Header is not null)
            .Select(e => (e.Path, e.Header!.Value))
            .ToList();

    private void Report(DevicePackage package) =>
        output.WriteLine($"{Path.GetFileName(package.Archive)}: {package.Bytes / 1048576.0:F1} MiB, built in {package.BuildTime.TotalSeconds:F0} s");
}
