using Fleet.Gateway.Store.Sql;

namespace Fleet.Gateway.Store.Sqlite;

/// <summary>The embedded default store: one SQLite file in WAL mode under the gateway's data directory.</summary>
internal sealed class SqliteFleetStore : SqlFleetStore
{
    private SqliteFleetStore(SqliteDialect dialect, TimeProvider timeProvider, SchemaInfo schema)
        : base(dialect, timeProvider, schema)
    {
    }

    /// <summary>Opens (creating when missing) the database file and applies pending migrations.</summary>
    public static async Task<SqliteFleetStore> OpenAsync(SqliteStoreOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BusyTimeout, TimeSpan.Zero, nameof(options));
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var dialect = new SqliteDialect(options.DatabasePath, options.BusyTimeout);
        try
        {
            await dialect.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var schema = await MigrateAsync(dialect, timeProvider, options.TargetSchemaVersion, cancellationToken).ConfigureAwait(false);
        return new SqliteFleetStore(dialect, timeProvider, schema);
    }
}
