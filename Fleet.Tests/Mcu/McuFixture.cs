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

    internal CliRunner.Run VocoderExport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var set = ReferenceModels.Build();
        VocoderExport = await ExportAsync(set.Vocoder, "vocoder");
        await ExportAsync(set.Safety, "vocoder-safety");
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

    /// <summary>Writes the model's package and exports it through the CLI.</summary>
    private async Task<CliRunner.Run> ExportAsync(ReferenceModel model, string id)
    {
        var package = Path.Combine(Root, id + ".zip");
        await File.WriteAllBytesAsync(package, ModelPackageWriter.Write(ModelPackage.FromReference(model, id, "1.0.0")));
        var run = await CliRunner.RunAsync("models", "export-mcu", id, "1.0.0", "--package", package, "--out", Exported, "--input-range", "0:1");
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

[CollectionDefinition(Name)]
public sealed class McuCollection : ICollectionFixture<McuFixture>
{
    public const string Name = "mcu";
}
