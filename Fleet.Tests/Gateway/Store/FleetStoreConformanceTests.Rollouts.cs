using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task CreateRollout_StartsPendingAtWaveZero_DuplicateIdIsRefused()
    {
        Assert.True(await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "1.3.0", """{"waves":[0.01,0.1,1.0]}"""), Ct));
        Assert.False(await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "9.9.9", "{}"), Ct));

        var rollout = await Store.Rollouts.GetAsync("r-1", Ct);

        Assert.Equal(
            new RolloutRecord("r-1", "vocoder", "1.3.0", RolloutState.Pending, """{"waves":[0.01,0.1,1.0]}""", 0, null, 1, Clock.GetUtcNow(), Clock.GetUtcNow()),
            rollout);
    }

    [Fact]
    public async Task UpdateRollout_WithCurrentVersion_MovesStateAndWave()
    {
        await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "1.3.0", "{}"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var running = await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(1, RolloutState.Running, 0), Ct);
        var nextWave = await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(2, RolloutState.Running, 1), Ct);

        Assert.Equal(RolloutUpdateStatus.Updated, running.Status);
        Assert.Equal(RolloutUpdateStatus.Updated, nextWave.Status);
        Assert.Equal(RolloutState.Running, nextWave.Current!.State);
        Assert.Equal(1, nextWave.Current.WaveIndex);
        Assert.Equal(3, nextWave.Current.Version);
        Assert.Equal(Clock.GetUtcNow(), nextWave.Current.Updated);
        Assert.Equal(nextWave.Current, await Store.Rollouts.GetAsync("r-1", Ct));
    }

    [Fact]
    public async Task UpdateRollout_WithStaleVersion_ConflictsAndChangesNothing()
    {
        await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "1.3.0", "{}"), Ct);
        await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(1, RolloutState.Running, 0), Ct);

        var stale = await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(1, RolloutState.Paused, 0, "operator"), Ct);

        Assert.Equal(RolloutUpdateStatus.Conflict, stale.Status);
        Assert.Equal(RolloutState.Running, stale.Current!.State);
        Assert.Equal(2, stale.Current.Version);
    }

    [Fact]
    public async Task UpdateRollout_AfterItEnded_Conflicts()
    {
        await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "1.3.0", "{}"), Ct);
        var aborted = await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(1, RolloutState.Aborted, 0, "systemic failure: dataDrift on 12 devices"), Ct);

        var revived = await Store.Rollouts.UpdateAsync("r-1", new RolloutChange(2, RolloutState.Running, 1), Ct);

        Assert.Equal("systemic failure: dataDrift on 12 devices", aborted.Current!.Reason);
        Assert.Equal(RolloutUpdateStatus.Conflict, revived.Status);
        Assert.Equal(RolloutState.Aborted, revived.Current!.State);
        Assert.Equal(RolloutUpdateStatus.NotFound, (await Store.Rollouts.UpdateAsync("ghost", new RolloutChange(1, RolloutState.Running, 0), Ct)).Status);
    }

    [Fact]
    public async Task RecordDeviceResult_KeepsTheLatestPerDevice_ListedByWaveThenDevice()
    {
        await Store.Rollouts.CreateAsync(new NewRollout("r-1", "vocoder", "1.3.0", "{}"), Ct);

        Assert.True(await Store.Rollouts.RecordDeviceResultAsync("r-1", "pi-9", 0, "committed", Ct));
        Assert.True(await Store.Rollouts.RecordDeviceResultAsync("r-1", "pi-2", 1, "refused", Ct));
        Assert.True(await Store.Rollouts.RecordDeviceResultAsync("r-1", "pi-1", 1, "committed", Ct));
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await Store.Rollouts.RecordDeviceResultAsync("r-1", "pi-2", 1, "rolledBack", Ct));
        Assert.False(await Store.Rollouts.RecordDeviceResultAsync("ghost", "pi-1", 0, "committed", Ct));

        var results = await Store.Rollouts.ListDeviceResultsAsync("r-1", Ct);

        Assert.Equal(["pi-9", "pi-1", "pi-2"], results.Select(r => r.DeviceId));
        Assert.Equal(new RolloutDeviceResult("r-1", "pi-2", 1, "rolledBack", Clock.GetUtcNow()), results[2]);
    }

    [Fact]
    public async Task Rollouts_SurviveReopening_SoARestartedGatewayCanResume()
    {
        await Store.Rollouts.CreateAsync(new NewRollout("done", "vocoder", "1.2.0", "{}"), Ct);
        await Store.Rollouts.UpdateAsync("done", new RolloutChange(1, RolloutState.Completed, 3), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.Rollouts.CreateAsync(new NewRollout("live", "vocoder", "1.3.0", "{}"), Ct);
        await Store.Rollouts.UpdateAsync("live", new RolloutChange(1, RolloutState.Running, 2), Ct);
        await Store.Rollouts.RecordDeviceResultAsync("live", "pi-1", 2, "committed", Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.Rollouts.CreateAsync(new NewRollout("held", "vocoder", "1.3.1", "{}"), Ct);
        await Store.Rollouts.UpdateAsync("held", new RolloutChange(1, RolloutState.Paused, 0), Ct);
        await Store.DisposeAsync();

        var reopened = Store = await OpenAsync("main");
        var active = await reopened.Rollouts.ListAsync([RolloutState.Pending, RolloutState.Running, RolloutState.Paused], Ct);

        Assert.Equal(["held", "live"], active.Select(r => r.Id));
        Assert.Equal(2, active[1].WaveIndex);
        Assert.Single(await reopened.Rollouts.ListDeviceResultsAsync("live", Ct));
        Assert.Equal(3, (await reopened.Rollouts.ListAsync([], Ct)).Count);
    }
}
