using Fleet.Gateway.Store.Distillation;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    private const string Queued = """{"stage":"queued","epoch":0,"epochs":30}""";

    [Fact]
    public async Task CreateDistillation_StartsRunningWithNoInsights_DuplicateIdIsRefused()
    {
        Assert.True(await Store.Distillations.CreateAsync(NewJob("d-1"), Ct));
        Assert.False(await Store.Distillations.CreateAsync(NewJob("d-1") with { NewVersion = "9.9.9" }, Ct));

        var job = await Store.Distillations.GetAsync("d-1", Ct);

        Assert.Equal(
            new DistillationRecord("d-1", "vocoder", "1.0.0", "2.0.0", "1.0.1", "operator", DistillationState.Running, Queued, "[]", null, null,
                Clock.GetUtcNow(), Clock.GetUtcNow(), null),
            job);
        Assert.Null(await Store.Distillations.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task UpdateDistillation_RecordsProgress_ThenTheFinalStateStampsFinished()
    {
        await Store.Distillations.CreateAsync(NewJob("d-1"), Ct);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var training = await Store.Distillations.UpdateAsync(
            "d-1", new DistillationChange(DistillationState.Running, """{"stage":"training","epoch":3,"epochs":30,"loss":0.0125}""", "[4,9]"), Ct);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var done = await Store.Distillations.UpdateAsync(
            "d-1", new DistillationChange(DistillationState.Succeeded, """{"stage":"done","epoch":30,"epochs":30,"loss":0.001}""", "[4,9]", """{"regionErrorAfter":0.05}"""), Ct);

        Assert.Null(training!.Finished);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(-5), training.Updated);
        Assert.Equal(DistillationState.Succeeded, done!.State);
        Assert.Equal("""{"regionErrorAfter":0.05}""", done.MetricsJson);
        Assert.Equal("[4,9]", done.InsightIdsJson);
        Assert.Equal(Clock.GetUtcNow(), done.Finished);
        Assert.Equal(done, await Store.Distillations.GetAsync("d-1", Ct));
    }

    [Fact]
    public async Task UpdateDistillation_AfterItEnded_ChangesNothing()
    {
        await Store.Distillations.CreateAsync(NewJob("d-1"), Ct);
        var failed = await Store.Distillations.UpdateAsync("d-1", new DistillationChange(DistillationState.Failed, Queued, "[]", Error: "teacher 3→160 and parent 4→160 do not agree"), Ct);

        var revived = await Store.Distillations.UpdateAsync("d-1", new DistillationChange(DistillationState.Succeeded, Queued, "[]"), Ct);

        Assert.Null(revived);
        Assert.Null(await Store.Distillations.UpdateAsync("ghost", new DistillationChange(DistillationState.Failed, Queued, "[]"), Ct));
        Assert.Equal(failed, await Store.Distillations.GetAsync("d-1", Ct));
        Assert.Equal("teacher 3→160 and parent 4→160 do not agree", failed!.Error);
    }

    [Fact]
    public async Task Distillations_SurviveReopening_AndListByStateNewestFirst()
    {
        await Store.Distillations.CreateAsync(NewJob("old"), Ct);
        await Store.Distillations.UpdateAsync("old", new DistillationChange(DistillationState.Succeeded, Queued, "[1]", "{}"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.Distillations.CreateAsync(NewJob("a"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.Distillations.CreateAsync(NewJob("b"), Ct);
        await Store.DisposeAsync();

        var reopened = Store = await OpenAsync("main");

        Assert.Equal(["b", "a"], (await reopened.Distillations.ListAsync([DistillationState.Running], Ct)).Select(j => j.Id));
        Assert.Equal(["b", "a", "old"], (await reopened.Distillations.ListAsync([], Ct)).Select(j => j.Id));
        Assert.Equal("[1]", (await reopened.Distillations.GetAsync("old", Ct))!.InsightIdsJson);
    }

    [Fact]
    public async Task CreateDistillation_WithInvalidJson_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Distillations.CreateAsync(NewJob("d-1") with { ProgressJson = "{stage" }, Ct));

    private static NewDistillation NewJob(string id) => new(id, "vocoder", "1.0.0", "2.0.0", "1.0.1", "operator", Queued);
}
