using Fleet.Gateway.Store;
using Fleet.Shared.Time;

namespace Fleet.Tests.Gateway.Store;

public sealed class FleetStoreFactoryTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "fleet-data-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Open_WithDefaults_UsesSqliteInTheDataDirectory()
    {
        await using var store = await FleetStoreFactory.OpenAsync(new FleetStoreOptions(), _dataDirectory, new ManualTimeProvider(), CancellationToken.None);

        Assert.Equal("sqlite", store.Schema.Dialect);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "fleet.db")));
    }

    [Fact]
    public async Task Open_WithInvalidOptions_ThrowsNamingTheProblem()
    {
        var unknown = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            FleetStoreFactory.OpenAsync(new FleetStoreOptions { Provider = "mysql" }, _dataDirectory, TimeProvider.System, CancellationToken.None));
        var noConnection = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            FleetStoreFactory.OpenAsync(new FleetStoreOptions { Provider = FleetStoreOptions.Postgres }, _dataDirectory, TimeProvider.System, CancellationToken.None));

        Assert.Contains("Fleet:Store:Provider", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Store:ConnectionString", noConnection.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
