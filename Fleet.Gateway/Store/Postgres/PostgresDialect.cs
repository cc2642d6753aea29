using System.Data.Common;
using Fleet.Gateway.Store.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Gateway.Store.Postgres;

/// <summary>
/// PostgreSQL through one pooled <see cref="NpgsqlDataSource"/> whose search path is the store's schema;
/// concurrency is left to the server (row locks, ON CONFLICT), so writers are not gated here.
/// </summary>
internal sealed class PostgresDialect(NpgsqlDataSource dataSource, string schema) : StoreDialect
{
    private static readonly Lazy<IReadOnlyList<Migration>> AllMigrations = new(() => MigrationCatalog.Load("Postgres"));

    public override string Name => "postgresql";

    public override IReadOnlyList<Migration> Migrations => AllMigrations.Value;

    public override string MigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override ValueTask<WriteGate> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new WriteGate(null));

    public override async Task PrepareMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Nodes starting together queue on a transaction-scoped lock; the schema name is validated, so quoting it is safe.
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT pg_advisory_xact_lock(hashtext('fleet-store-migrations:{schema}')); CREATE SCHEMA IF NOT EXISTS \"{schema}\"";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void AddTime(DbCommand command, string name, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value });

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override void AddJson(DbCommand command, string name, string? json) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Json) { Value = (object?)json ?? DBNull.Value });

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    public override Task OrderAppendsAsync(SqlScope scope, string table) =>
        StoreDatabase.ExecuteAsync(
            scope,
            "SELECT pg_advisory_xact_lock(hashtext(@key))",
            s => s.Text("key", $"fleet-store-append:{schema}.{table}"));

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
