using System.Security.Cryptography;
using System.Text;
using Fleet.Device.Storage;

namespace Fleet.Tests.Device.Storage;

public sealed class WeightStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StoredVersion AddVersion(WeightStore store, string name)
    {
        var artifact = store.PutArtifact(Encoding.UTF8.GetBytes("model " + name));
        var golden = store.PutArtifact(Encoding.UTF8.GetBytes("golden " + name));
        var version = new StoredVersion(name, "vocoder", artifact, golden);
        Assert.True(store.AddVersion(version).IsSuccess);
        return version;
    }

    [Fact]
    public void PutArtifact_NamesContentByItsSha256_AndReadVerifiesIt()
    {
        var store = WeightStore.Open(_dir.Path);
        var content = RandomNumberGenerator.GetBytes(10_000);

        var sha = store.PutArtifact(content);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sha);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "objects", sha)));
        Assert.Equal(content, store.ReadArtifact(sha).Value);
        Assert.Equal(sha, store.PutArtifact(content));
    }

    [Fact]
    public void ReadArtifact_OfACorruptFile_ReportsCorruptionInsteadOfReturningIt()
    {
        var store = WeightStore.Open(_dir.Path);
        var sha = store.PutArtifact(RandomNumberGenerator.GetBytes(4096));
        var path = Path.Combine(_dir.Path, "objects", sha);
        var bytes = File.ReadAllBytes(path);
        bytes[1234] ^= 0x04;
        File.WriteAllBytes(path, bytes);

        var read = store.ReadArtifact(sha);

        Assert.False(read.IsSuccess);
        Assert.Equal(StoreErrorKind.Corrupt, read.Error.Kind);
        Assert.Contains(sha, read.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Corrupt, store.VerifyArtifact(sha).Error?.Kind);
    }

    [Fact]
    public void PutArtifact_RepairsACorruptCopy()
    {
        var store = WeightStore.Open(_dir.Path);
        var content = RandomNumberGenerator.GetBytes(512);
        var sha = store.PutArtifact(content);
        File.WriteAllBytes(Path.Combine(_dir.Path, "objects", sha), [1, 2, 3]);

        store.PutArtifact(content);

        Assert.True(store.ReadArtifact(sha).IsSuccess);
    }

    [Fact]
    public void ReadArtifact_OfAMissingOrBadlyNamedArtifact_FailsWithAReason()
    {
        var store = WeightStore.Open(_dir.Path);

        Assert.Equal(StoreErrorKind.NotFound, store.ReadArtifact(new string('a', 64)).Error?.Kind);
        Assert.Equal(StoreErrorKind.InvalidName, store.ReadArtifact("../../etc/passwd").Error?.Kind);
    }

    [Fact]
    public async Task PutArtifactAsync_StreamsAndHashes()
    {
        var store = WeightStore.Open(_dir.Path);
        var content = RandomNumberGenerator.GetBytes(300_000);
        using var stream = new MemoryStream(content);

        var sha = await store.PutArtifactAsync(stream, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sha);
        Assert.Equal(content, store.ReadArtifact(sha).Value);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir.Path, "objects"), ".tmp-*"));
    }

    [Fact]
    public void Pointers_NameVersions_AndResolveVerifiesTheirObjects()
    {
        var store = WeightStore.Open(_dir.Path);
        var v1 = AddVersion(store, "1.0.0");
        var v2 = AddVersion(store, "1.1.0");

        Assert.True(store.SetPointer(StorePointer.Active, "1.1.0").IsSuccess);
        Assert.True(store.SetPointer(StorePointer.KnownGood, "1.0.0").IsSuccess);

        Assert.Equal(v2, store.Resolve(StorePointer.Active).Value);
        Assert.Equal(v1, store.Resolve(StorePointer.KnownGood).Value);
        Assert.Equal(["1.0.0", "1.1.0"], store.ListVersions());
        Assert.Equal(StoreErrorKind.NotFound, store.Resolve(StorePointer.Factory).Error?.Kind);
        Assert.Equal(StoreErrorKind.NotFound, store.SetPointer(StorePointer.Active, "9.9.9").Error?.Kind);

        File.WriteAllBytes(Path.Combine(_dir.Path, "objects", v2.GoldenSha256), [0]);
        Assert.Equal(StoreErrorKind.Corrupt, store.Resolve(StorePointer.Active).Error?.Kind);
    }

    [Fact]
    public void FactoryDefault_IsSetOnce_AndNeverOverwrittenOrRemoved()
    {
        var store = WeightStore.Open(_dir.Path);
        AddVersion(store, "0.1.0");
        AddVersion(store, "0.2.0");
        Assert.True(store.SetPointer(StorePointer.Factory, "0.1.0").IsSuccess);

        var overwrite = store.SetPointer(StorePointer.Factory, "0.2.0");
        var remove = store.RemoveVersion("0.1.0");

        Assert.Equal(StoreErrorKind.FactoryDefaultProtected, overwrite.Error?.Kind);
        Assert.Contains("never overwritten", overwrite.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.FactoryDefaultProtected, remove.Error?.Kind);
        Assert.Equal("0.1.0", WeightStore.Open(_dir.Path).ReadPointer(StorePointer.Factory).Value);
    }

    [Fact]
    public void AddVersion_RefusesMissingObjects_Conflicts_AndUnsafeNames()
    {
        var store = WeightStore.Open(_dir.Path);
        var v = AddVersion(store, "1.0.0");

        Assert.Equal(StoreErrorKind.NotFound, store.AddVersion(v with { Version = "2.0.0", GoldenSha256 = new string('0', 64) }).Error?.Kind);
        Assert.Equal(StoreErrorKind.Conflict, store.AddVersion(v with { ModelId = "other" }).Error?.Kind);
        Assert.True(store.AddVersion(v).IsSuccess);
        Assert.Equal(StoreErrorKind.InvalidName, store.AddVersion(v with { Version = "../x" }).Error?.Kind);
    }

    [Fact]
    public void CollectGarbage_RemovesOnlyUnreferencedObjectsAndTempFiles()
    {
        var store = WeightStore.Open(_dir.Path);
        var keep = AddVersion(store, "1.0.0");
        var drop = AddVersion(store, "1.1.0");
        var orphan = store.PutArtifact([9, 9, 9]);
        store.SetPointer(StorePointer.Active, "1.1.0");
        File.WriteAllBytes(Path.Combine(_dir.Path, "objects", ".tmp-torn"), [1]);

        Assert.Equal(StoreErrorKind.InUse, store.RemoveVersion("1.1.0").Error?.Kind);
        store.SetPointer(StorePointer.Active, "1.0.0");
        Assert.True(store.RemoveVersion("1.1.0").IsSuccess);
        var gc = store.CollectGarbage();

        Assert.Equal(3, gc.ArtifactsRemoved);
        Assert.Equal(1, gc.TempFilesRemoved);
        Assert.Equal(StoreErrorKind.NotFound, store.ReadArtifact(orphan).Error?.Kind);
        Assert.Equal(StoreErrorKind.NotFound, store.ReadArtifact(drop.ArtifactSha256).Error?.Kind);
        Assert.True(store.Resolve(StorePointer.Active) is { IsSuccess: true } r && r.Value == keep);
    }

    [Fact]
    public void CorruptManifest_IsReported_AndBlocksGarbageCollection()
    {
        var store = WeightStore.Open(_dir.Path);
        var v = AddVersion(store, "1.0.0");
        File.WriteAllText(Path.Combine(_dir.Path, "versions", "1.0.0.json"), "{\"version\":");

        Assert.Equal(StoreErrorKind.Corrupt, store.GetVersion("1.0.0").Error?.Kind);
        Assert.Equal(0, store.CollectGarbage().ArtifactsRemoved);
        Assert.True(store.VerifyArtifact(v.ArtifactSha256).IsSuccess);
    }

    [Fact]
    public void Open_RemovesTempFilesOfInterruptedWrites()
    {
        WeightStore.Open(_dir.Path);
        File.WriteAllBytes(Path.Combine(_dir.Path, "refs", ".tmp-abc"), [1, 2]);

        WeightStore.Open(_dir.Path);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir.Path, "refs")));
    }
}
