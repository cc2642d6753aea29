using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Devices;
using Fleet.Shared.Time;

namespace Fleet.Tests.Gateway.Store;

/// <summary>
/// The contract every <see cref="IFleetStore"/> implementation must meet; each implementation's test
/// class derives from this and supplies a fresh, private database per test.
/// </summary>
public abstract partial class FleetStoreConformanceTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero));

    private protected IFleetStore Store { get; private set; } = null!;

    /// <summary>Opens the store on this test's database named <paramref name="database"/> (the same one on every call).</summary>
    private protected abstract Task<IFleetStore> OpenAsync(string database, int? targetSchemaVersion = null);

    /// <summary>Runs SQL directly against this test's main database, bypassing the store.</summary>
    private protected abstract Task<int> ExecuteRawAsync(string sql);

    /// <summary>Number of migrations the implementation ships.</summary>
    private protected abstract int LatestSchemaVersion { get; }

    public async Task InitializeAsync() => Store = await OpenAsync("main");

    public virtual async Task DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
    }

    private Task<bool> AddDeviceAsync(string id, int shard = 0, IReadOnlyDictionary<string, string>? labels = null) =>
        Store.Devices.TryAddAsync(new DeviceRegistration(id, shard, CredentialKind.Password, labels), Ct);
}
