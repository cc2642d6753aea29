using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Models;
using Fleet.Gateway.Store.Sqlite;
using Fleet.Shared.Models;
using Fleet.Shared.Security;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Registry;

/// <summary>
/// Models registered before artifacts lived in the store (artifact and golden set as files under the data directory,
/// the row holding their paths) are imported into the store when the gateway starts, so every node serves them.
/// </summary>
public sealed class LegacyModelImportTests
{
    [Fact]
    public async Task OnStart_AnOnDiskArtifactAndGoldenSet_AreImportedIntoTheStore_AndServedWithoutTheFiles()
    {
        var data = NewDataDirectory();
        var safety = ReferenceModels.Build().Safety;
        var (onnx, golden) = await WriteLegacyFilesAsync(data, "old", "1.0.0", safety.Onnx, safety.Golden.ToJson());
        var missing = Path.Combine(data, "models", "old", "0.9.0.onnx");
        await RegisterAsync(data, new NewModel("old", "0.9.0", ModelSignature.Sha256Hex([7, 7, 7]), ArtifactPath: missing));
        await RegisterAsync(data, new NewModel("old", "1.0.0", ModelSignature.Sha256Hex(safety.Onnx), ParentVersion: "0.9.0", GoldenSetRef: golden, ArtifactPath: onnx));

        await using var gateway = await GatewayHost.StartInAsync(data);
        File.Delete(onnx);
        File.Delete(golden);

        var store = gateway.Services.GetRequiredService<FleetStoreService>().Store;
        var imported = (await store.Models.GetAsync("old", "1.0.0", CancellationToken.None))!;
        Assert.True(imported.HasInlineArtifact);
        Assert.True(imported.HasGoldenSet);
        Assert.Null(imported.ArtifactPath);
        Assert.Equal(safety.Golden.ToJson(), await store.Models.GetGoldenSetAsync("old", "1.0.0", CancellationToken.None));
        using var anonymous = gateway.Client();
        Assert.Equal(safety.Onnx, await anonymous.GetByteArrayAsync("/api/v1/models/old/1.0.0/artifact"));

        // A version whose file is not on this node keeps its path (the node that has the file imports it) and is not served here.
        var notHere = (await store.Models.GetAsync("old", "0.9.0", CancellationToken.None))!;
        Assert.False(notHere.HasInlineArtifact);
        Assert.Equal(missing, notHere.ArtifactPath);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/models/old/0.9.0/artifact")).StatusCode);
    }

    [Fact]
    public async Task OnStart_AFileThatNoLongerHashesToTheRegistration_IsNotImported()
    {
        var data = NewDataDirectory();
        var safety = ReferenceModels.Build().Safety;
        var (onnx, _) = await WriteLegacyFilesAsync(data, "tampered", "1.0.0", safety.Onnx, null);
        await RegisterAsync(data, new NewModel("tampered", "1.0.0", ModelSignature.Sha256Hex([1, 2, 3]), ArtifactPath: onnx));

        await using var gateway = await GatewayHost.StartInAsync(data);

        var record = (await gateway.Services.GetRequiredService<FleetStoreService>().Store.Models.GetAsync("tampered", "1.0.0", CancellationToken.None))!;
        Assert.False(record.HasInlineArtifact);
        Assert.Equal(onnx, record.ArtifactPath);
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<(string Onnx, string Golden)> WriteLegacyFilesAsync(string data, string id, string version, byte[] onnx, string? golden)
    {
        var directory = Path.Combine(data, "models", id);
        Directory.CreateDirectory(directory);
        var onnxPath = Path.Combine(directory, version + ".onnx");
        var goldenPath = Path.Combine(directory, version + ".golden.json");
        await File.WriteAllBytesAsync(onnxPath, onnx);
        if (golden is not null)
        {
            await File.WriteAllTextAsync(goldenPath, golden);
        }

        return (onnxPath, goldenPath);
    }

    private static async Task RegisterAsync(string data, NewModel model)
    {
        await using var store = await SqliteFleetStore.OpenAsync(SqliteStoreOptions.InDataDirectory(data), TimeProvider.System, CancellationToken.None);
        Assert.Equal(ModelAddStatus.Added, await store.Models.AddAsync(model, CancellationToken.None));
    }
}
