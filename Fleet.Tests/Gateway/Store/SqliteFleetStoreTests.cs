using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Fleet.Tests.Gateway.Store;

/// <summary>The conformance suite on SQLite: a temporary directory of database files per test.</summary>
public sealed class SqliteFleetStoreTests : FleetStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fleet-store-" + Guid.NewGuid().ToString("N")[..12]);

    private protected override int LatestSchemaVersion => 10;

    private protected override async Task<IFleetStore> OpenAsync(string database, int? targetSchemaVersion = null) =>
        await SqliteFleetStore.OpenAsync(new SqliteStoreOptions(PathOf(database)) { TargetSchemaVersion = targetSchemaVersion }, Clock, CancellationToken.None);

    private protected override async Task<int> ExecuteRawAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = PathOf("main"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Open_PutsTheFileInWriteAheadLogMode()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = PathOf("main"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Open_InDataDirectory_CreatesTheDirectoryAndFile()
    {
        var options = SqliteStoreOptions.InDataDirectory(Path.Combine(_directory, "nested", "data"));

        await using var store = await SqliteFleetStore.OpenAsync(options, Clock, CancellationToken.None);

        Assert.True(File.Exists(options.DatabasePath));
        Assert.Equal("sqlite", store.Schema.Dialect);
    }

    private string PathOf(string database) => Path.Combine(_directory, database + ".db");
}
