using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Models;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task AddModel_ThenGet_RoundTripsEveryField()
    {
        var model = new NewModel(
            "vocoder", "1.2.0", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "MEUCIQ==", null, "golden/vocoder-v1",
            """{"accuracy":0.97}""", """{"owner":"ml-team"}""", "models/vocoder/1.2.0.onnx");

        Assert.Equal(ModelAddStatus.Added, await Store.Models.AddAsync(model, Ct));

        var stored = await Store.Models.GetAsync("vocoder", "1.2.0", Ct);
        Assert.Equal(
            new ModelRecord("vocoder", "1.2.0", model.Sha256, "MEUCIQ==", null, "golden/vocoder-v1", """{"accuracy":0.97}""", """{"owner":"ml-team"}""",
                "models/vocoder/1.2.0.onnx", false, false, Clock.GetUtcNow()),
            stored);
        Assert.Null(await Store.Models.GetArtifactAsync("vocoder", "1.2.0", Ct));
        Assert.Null(await Store.Models.GetAsync("vocoder", "9.9.9", Ct));
    }

    [Fact]
    public async Task ListModelIds_NamesEachModelOnceInOrdinalOrder()
    {
        Assert.Empty(await Store.Models.ListModelIdsAsync(Ct));
        await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "aa"), Ct);
        await Store.Models.AddAsync(new NewModel("vocoder", "1.1.0", "bb", ParentVersion: "1.0.0"), Ct);
        await Store.Models.AddAsync(new NewModel("safety", "1.0.0", "cc"), Ct);

        Assert.Equal(["safety", "vocoder"], await Store.Models.ListModelIdsAsync(Ct));
    }

    [Fact]
    public async Task AddModel_SameVersionTwice_ReportsAlreadyExists()
    {
        Assert.Equal(ModelAddStatus.Added, await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "aa"), Ct));
        Assert.Equal(ModelAddStatus.AlreadyExists, await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "bb"), Ct));

        Assert.Equal("aa", (await Store.Models.GetAsync("vocoder", "1.0.0", Ct))!.Sha256);
    }

    [Fact]
    public async Task AddModel_WithUnregisteredParent_ReportsParentMissing()
    {
        await Store.Models.AddAsync(new NewModel("other", "1.0.0", "aa"), Ct);

        Assert.Equal(ModelAddStatus.ParentMissing, await Store.Models.AddAsync(new NewModel("vocoder", "1.1.0", "bb", ParentVersion: "1.0.0"), Ct));
        Assert.Null(await Store.Models.GetAsync("vocoder", "1.1.0", Ct));
    }

    [Fact]
    public async Task GetLineage_WalksParentsNearestFirst()
    {
        await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a"), Ct);
        Clock.Advance(TimeSpan.FromDays(1));
        await Store.Models.AddAsync(new NewModel("vocoder", "1.1.0", "b", ParentVersion: "1.0.0"), Ct);
        Clock.Advance(TimeSpan.FromDays(1));
        await Store.Models.AddAsync(new NewModel("vocoder", "1.1.1-distilled", "c", ParentVersion: "1.1.0"), Ct);
        await Store.Models.AddAsync(new NewModel("vocoder", "2.0.0", "d", ParentVersion: "1.0.0"), Ct);

        var lineage = await Store.Models.GetLineageAsync("vocoder", "1.1.1-distilled", Ct);

        Assert.Equal(["1.1.1-distilled", "1.1.0", "1.0.0"], lineage.Select(m => m.Version));
        Assert.Empty(await Store.Models.GetLineageAsync("vocoder", "0.0.1", Ct));
    }

    [Fact]
    public async Task ListModelVersions_NewestFirst()
    {
        await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a"), Ct);
        Clock.Advance(TimeSpan.FromHours(1));
        await Store.Models.AddAsync(new NewModel("vocoder", "1.1.0", "b", ParentVersion: "1.0.0"), Ct);
        await Store.Models.AddAsync(new NewModel("other", "5.0.0", "c"), Ct);

        Assert.Equal(["1.1.0", "1.0.0"], (await Store.Models.ListVersionsAsync("vocoder", Ct)).Select(m => m.Version));
    }

    [Fact]
    public async Task SetMetrics_ReplacesMetrics_UnknownVersionReturnsFalse()
    {
        await Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a"), Ct);

        Assert.True(await Store.Models.SetMetricsAsync("vocoder", "1.0.0", """{"goldenPass":0.99}""", Ct));
        Assert.False(await Store.Models.SetMetricsAsync("vocoder", "7.0.0", "{}", Ct));

        Assert.Equal("""{"goldenPass":0.99}""", (await Store.Models.GetAsync("vocoder", "1.0.0", Ct))!.MetricsJson);
    }

    [Fact]
    public async Task AddModel_WithInlineArtifact_ReturnsTheSameBytes()
    {
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);

        await Store.Models.AddAsync(new NewModel("tiny", "1.0.0", "ff", Artifact: bytes), Ct);

        Assert.True((await Store.Models.GetAsync("tiny", "1.0.0", Ct))!.HasInlineArtifact);
        Assert.Equal(bytes, await Store.Models.GetArtifactAsync("tiny", "1.0.0", Ct));
    }

    [Fact]
    public async Task AddModel_WithArtifactAndGoldenSet_KeepsBothInTheStore()
    {
        var bytes = new byte[70_000];
        new Random(11).NextBytes(bytes);
        const string golden = """{"v":1,"model":"tiny","input":"x","output":"y","tolerance":0.001,"cases":[{"input":[1],"expected":[2]}]}""";

        await Store.Models.AddAsync(new NewModel("tiny", "1.0.0", "ff", Artifact: bytes, GoldenSetJson: golden), Ct);
        await Store.Models.AddAsync(new NewModel("tiny", "1.1.0", "ee", ParentVersion: "1.0.0", Artifact: bytes), Ct);

        var stored = (await Store.Models.GetAsync("tiny", "1.0.0", Ct))!;
        Assert.True(stored.HasInlineArtifact);
        Assert.True(stored.HasGoldenSet);
        Assert.Null(stored.ArtifactPath);
        Assert.Equal(golden, await Store.Models.GetGoldenSetAsync("tiny", "1.0.0", Ct));
        Assert.Equal(bytes, await Store.Models.GetArtifactAsync("tiny", "1.0.0", Ct));
        Assert.False((await Store.Models.GetAsync("tiny", "1.1.0", Ct))!.HasGoldenSet);
        Assert.Null(await Store.Models.GetGoldenSetAsync("tiny", "1.1.0", Ct));
        Assert.Equal([false, true], (await Store.Models.GetLineageAsync("tiny", "1.1.0", Ct)).Select(m => m.HasGoldenSet));
    }

    [Fact]
    public async Task ImportArtifact_MovesAnOnDiskRegistrationIntoTheStore_Once()
    {
        await Store.Models.AddAsync(new NewModel("legacy", "1.0.0", "aa", GoldenSetRef: "/data/models/legacy/1.0.0.golden.json", ArtifactPath: "/data/models/legacy/1.0.0.onnx"), Ct);
        var first = new byte[] { 1, 2, 3, 4 };
        const string golden = """{"v":1}""";

        Assert.True(await Store.Models.ImportArtifactAsync("legacy", "1.0.0", first, golden, Ct));
        Assert.False(await Store.Models.ImportArtifactAsync("legacy", "1.0.0", new byte[] { 9 }, null, Ct));
        Assert.False(await Store.Models.ImportArtifactAsync("legacy", "9.9.9", first, null, Ct));

        var stored = (await Store.Models.GetAsync("legacy", "1.0.0", Ct))!;
        Assert.True(stored.HasInlineArtifact);
        Assert.True(stored.HasGoldenSet);
        Assert.Null(stored.ArtifactPath);
        Assert.Null(stored.GoldenSetRef);
        Assert.Equal(first, await Store.Models.GetArtifactAsync("legacy", "1.0.0", Ct));
        Assert.Equal(golden, await Store.Models.GetGoldenSetAsync("legacy", "1.0.0", Ct));
    }

    [Fact]
    public async Task ImportArtifact_WithoutAGoldenSet_KeepsTheArtifactOnly()
    {
        await Store.Models.AddAsync(new NewModel("legacy", "2.0.0", "bb", ArtifactPath: "/data/models/legacy/2.0.0.onnx"), Ct);

        Assert.True(await Store.Models.ImportArtifactAsync("legacy", "2.0.0", new byte[] { 5, 6 }, null, Ct));

        Assert.False((await Store.Models.GetAsync("legacy", "2.0.0", Ct))!.HasGoldenSet);
        Assert.Equal(new byte[] { 5, 6 }, await Store.Models.GetArtifactAsync("legacy", "2.0.0", Ct));
    }

    [Fact]
    public async Task ArtifactsAndGoldenSets_BadInput_ThrowsArgumentException_AndNothingChanges()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a", Artifact: Array.Empty<byte>()), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a", Artifact: new byte[] { 1 }, GoldenSetJson: "{not json"), Ct));
        Assert.Empty(await Store.Models.ListVersionsAsync("vocoder", Ct));

        await Store.Models.AddAsync(new NewModel("legacy", "1.0.0", "aa", ArtifactPath: "/data/legacy.onnx"), Ct);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.ImportArtifactAsync("legacy", "1.0.0", ReadOnlyMemory<byte>.Empty, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.ImportArtifactAsync("legacy", "1.0.0", new byte[] { 1 }, "[", Ct));
        Assert.Equal("/data/legacy.onnx", (await Store.Models.GetAsync("legacy", "1.0.0", Ct))!.ArtifactPath);
    }

    [Fact]
    public async Task AddModel_BadInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a", MetricsJson: "{"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a", CardJson: "[" + new string(' ', StoreLimits.MaxJsonBytes) + "]"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("vocoder", "1.0.0", "a", ParentVersion: "1.0.0"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Models.AddAsync(new NewModel("", "1.0.0", "a"), Ct));
        Assert.Empty(await Store.Models.ListVersionsAsync("vocoder", Ct));
    }
}
