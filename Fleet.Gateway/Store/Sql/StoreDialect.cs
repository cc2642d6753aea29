using System.Data.Common;

namespace Fleet.Gateway.Store.Sql;

/// <summary>What differs between the SQL databases the store runs on; the SQL text itself is shared.</summary>
internal abstract class StoreDialect : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The numbered migrations of this dialect, in order.</summary>
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>DDL creating the migrations table when it is missing.</summary>
    public abstract string MigrationsTableSql { get; }

    /// <summary>An open connection; disposing it returns it to the pool.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Admits one writer at a time where the database itself allows only one (SQLite); free elsewhere.</summary>
    public abstract ValueTask<WriteGate> EnterWriteAsync(CancellationToken cancellationToken);

    /// <summary>Prepares a migration transaction: serialises nodes migrating the same database at once.</summary>
    public abstract Task PrepareMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    public abstract void AddTime(DbCommand command, string name, DateTimeOffset? value);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public abstract void AddJson(DbCommand command, string name, string? json);

    public abstract bool IsForeignKeyViolation(DbException exception);

    /// <summary>
    /// Inside a write transaction, makes appends to <paramref name="table"/> commit in id order, so a
    /// reader resuming after an id never skips a row that committed late. Writers are already serialised
    /// where the dialect gates them.
    /// </summary>
    public abstract Task OrderAppendsAsync(SqlScope scope, string table);

    public abstract ValueTask DisposeAsync();
}
