using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Fleet.Gateway.Store.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Fleet.Gateway.Store.Sqlite;

/// <summary>
/// SQLite in WAL mode: pooled connections, readers in parallel, writers admitted one at a time in
/// process (SQLite allows one writer; queueing here beats spinning on SQLITE_BUSY). Times are stored
/// as Unix microseconds, booleans as 0/1.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    private static readonly Lazy<IReadOnlyList<Migration>> AllMigrations = new(() => MigrationCatalog.Load("Sqlite"));
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];
    private readonly string _connectionString;

    public SqliteDialect(string databasePath, TimeSpan busyTimeout)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        BusyTimeout = busyTimeout;
    }

    public TimeSpan BusyTimeout { get; }

    public override string Name => "sqlite";

    public override IReadOnlyList<Migration> Migrations => AllMigrations.Value;

    public override string MigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)";

    /// <summary>Switches the file to WAL (a property of the file, so once per open store is enough).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode is {mode}); is the file on a network share?");
                }
            }
        }
    }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Pooled connections keep their native handle, and with it these settings: set them once per handle.
            if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    // Wait for other processes' locks inside SQLite; in WAL mode NORMAL survives a process crash.
                    command.CommandText = $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL";
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                _configured.AddOrUpdate(handle, true);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask<WriteGate> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteGate(_writer);
    }

    public override Task PrepareMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override void AddTime(DbCommand command, string name, DateTimeOffset? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.Int64;
        parameter.Value = value is { } v ? StoreTime.ToUnixMicroseconds(v) : DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => StoreTime.FromUnixMicroseconds(reader.GetInt64(ordinal));

    public override void AddJson(DbCommand command, string name, string? json)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = (object?)json ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 787 };

    public override Task OrderAppendsAsync(SqlScope scope, string table) => Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; clearing the pool lets the caller move or delete it.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
