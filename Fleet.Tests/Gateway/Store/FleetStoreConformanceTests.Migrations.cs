using Fleet.Gateway.Store.Devices;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public void Open_FreshDatabase_AppliesEveryMigrationInOrder()
    {
        Assert.True(LatestSchemaVersion >= 2);
        Assert.Equal(LatestSchemaVersion, Store.Schema.Version);
        Assert.Equal(Enumerable.Range(1, LatestSchemaVersion), Store.Schema.AppliedAtOpen);
    }

    [Fact]
    public async Task Open_AlreadyMigratedDatabase_IsANoOpAndKeepsData()
    {
        await AddDeviceAsync("pi-1");

        await using var again = await OpenAsync("main");

        Assert.Empty(again.Schema.AppliedAtOpen);
        Assert.Equal(LatestSchemaVersion, again.Schema.Version);
        Assert.NotNull(await again.Devices.GetAsync("pi-1", Ct));
    }

    [Fact]
    public async Task Open_DatabaseFromMigrationOne_UpgradesItAndKeepsItsRows()
    {
        await using (var old = await OpenAsync("upgrade", targetSchemaVersion: 1))
        {
            Assert.Equal(1, old.Schema.Version);
            Assert.True(await old.Devices.TryAddAsync(new DeviceRegistration("pi-old", 2, CredentialKind.Password), Ct));
            Assert.Equal(Fleet.Gateway.Store.Twins.DesiredWriteStatus.Written, (await old.Twins.SetDesiredAsync("pi-old", 0, """{"v":1}""", Ct)).Status);
        }

        await using var upgraded = await OpenAsync("upgrade");

        Assert.Equal(Enumerable.Range(2, LatestSchemaVersion - 1), upgraded.Schema.AppliedAtOpen);
        Assert.Equal(2, (await upgraded.Devices.GetAsync("pi-old", Ct))!.Shard);
        Assert.Equal(1, (await upgraded.Twins.GetAsync("pi-old", Ct))!.Desired!.Version);
    }

    [Fact]
    public async Task Open_ConcurrentlyOnOneFreshDatabase_MigratesItOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => OpenAsync("racing"))));
        try
        {
            Assert.Equal(LatestSchemaVersion, stores.Sum(s => s.Schema.AppliedAtOpen.Count));
            Assert.All(stores, s => Assert.Equal(LatestSchemaVersion, s.Schema.Version));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Open_DatabaseFromANewerGateway_RefusesToOpen()
    {
        await ExecuteRawAsync("INSERT INTO schema_migrations (version, name, applied) SELECT 99, 'future', applied FROM schema_migrations WHERE version = 1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync("main"));

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_WithACanceledToken_AreCanceled()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.Devices.GetAsync("pi-1", canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.Devices.TryAddAsync(new DeviceRegistration("pi-1", 0, CredentialKind.None), canceled.Token));
        Assert.Null(await Store.Devices.GetAsync("pi-1", Ct));
    }
}
