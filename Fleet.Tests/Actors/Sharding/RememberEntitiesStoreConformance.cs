using Fleet.Shared.Actors.Sharding;

namespace Fleet.Tests.Actors.Sharding;

/// <summary>What every <see cref="IRememberEntitiesStore"/> must do; each implementation derives a test class.</summary>
public abstract class RememberEntitiesStoreConformance
{
    protected abstract IRememberEntitiesStore CreateStore();

    [Fact]
    public async Task AddedEntities_AreListedUnderTheirShard_AndShardsUnderTheirType()
    {
        var store = CreateStore();
        await store.AddEntityAsync("device", "1", "a", default);
        await store.AddEntityAsync("device", "1", "b", default);
        await store.AddEntityAsync("device", "2", "c", default);
        await store.AddEntityAsync("rollout", "1", "r", default);

        Assert.Equal(["1", "2"], (await store.GetShardsAsync("device", default)).Order());
        Assert.Equal(["a", "b"], (await store.GetEntitiesAsync("device", "1", default)).Order());
        Assert.Equal(["r"], await store.GetEntitiesAsync("rollout", "1", default));
    }

    [Fact]
    public async Task Remove_ForgetsTheEntity_AndAnEmptyShardIsNotListed()
    {
        var store = CreateStore();
        await store.AddEntityAsync("device", "1", "a", default);
        await store.AddEntityAsync("device", "2", "b", default);

        await store.RemoveEntityAsync("device", "1", "a", default);

        Assert.Empty(await store.GetEntitiesAsync("device", "1", default));
        Assert.Equal(["2"], await store.GetShardsAsync("device", default));
    }

    [Fact]
    public async Task AddTwice_AndRemoveMissing_AreNotErrors()
    {
        var store = CreateStore();
        await store.AddEntityAsync("device", "1", "a", default);
        await store.AddEntityAsync("device", "1", "a", default);
        await store.RemoveEntityAsync("device", "9", "zz", default);

        Assert.Equal(["a"], await store.GetEntitiesAsync("device", "1", default));
    }
}
