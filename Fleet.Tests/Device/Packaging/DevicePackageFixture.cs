using System.Diagnostics;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Device.Packaging;

/// <summary>
/// Builds both device packages once per test run with the operator's own command (<c>./fleet package device</c>) and
/// unpacks them. Publishing two self-contained apps is the expensive part, so both start together at initialisation.
/// </summary>
public sealed class DevicePackageFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(20);
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-package-").FullName;

    public DevicePackage Arm64 { get; private set; } = null!;

    public DevicePackage X64 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var repository = RepositoryRoot();
        var arm64 = BuildAsync(repository, "arm64");
        var x64 = BuildAsync(repository, "x64");
        Arm64 = await arm64;
        X64 = await x64;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<DevicePackage> BuildAsync(string repository, string arch)
    {
        var output = Path.Combine(_root, arch);
        var watch = Stopwatch.StartNew();
        var build = await RunAsync("bash", [Path.Combine(repository, "fleet"), "package", "device", "--arch", arch, "--out", output], PublishTimeout);
        Assert.True(build.ExitCode == 0, $"./fleet package device --arch {arch} failed ({build.ExitCode}):\n{build.StandardError}");
        var archive = Assert.Single(Directory.GetFiles(output, "*.tar.gz"));
        var unpacked = Path.Combine(output, "unpacked");
        Directory.CreateDirectory(unpacked);
        var untar = await RunAsync("tar", ["-C", unpacked, "-xzf", archive], TimeSpan.FromMinutes(5));
        Assert.True(untar.ExitCode == 0, $"tar could not unpack {archive}: {untar.StandardError}");
        var top = Assert.Single(Directory.GetDirectories(unpacked));
        return new DevicePackage(archive, top, new FileInfo(archive).Length, watch.Elapsed);
    }

    /// <summary>Runs a program without the MSBuild/VSTest variables of the test host leaking into a nested dotnet.</summary>
    private static Task<ProcessRunner.Result> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        ProcessRunner.RunAsync(program, arguments, timeout, configure: psi =>
        {
            foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                psi.Environment.Remove(name);
            }
        });

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")) && File.Exists(Path.Combine(directory.FullName, "fleet")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Fleet.sln with a ./fleet script above {AppContext.BaseDirectory}");
    }
}

/// <summary>An unpacked device package: <see cref="Directory"/> is its top folder (install.sh, app/, the unit).</summary>
public sealed record DevicePackage(string Archive, string Directory, long Bytes, TimeSpan BuildTime)
{
    public string App => Path.Combine(Directory, "app");
}
