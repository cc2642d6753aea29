using System.Data.Common;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Runs store operations: a pooled connection per operation, writes through the dialect's write gate.</summary>
internal sealed class StoreDatabase(StoreDialect dialect, TimeProvider timeProvider)
{
    public StoreDialect Dialect => dialect;

    /// <summary>The store's clock, as it will be stored.</summary>
    public DateTimeOffset Now() => StoreTime.Normalize(timeProvider.GetUtcNow());

    public async Task<T> ReadAsync<T>(Func<SqlScope, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await work(new SqlScope(dialect, connection, null, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Runs statements that are each atomic on their own (autocommit).</summary>
    public async Task<T> WriteAsync<T>(Func<SqlScope, Task<T>> work, CancellationToken cancellationToken)
    {
        using var gate = await dialect.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await work(new SqlScope(dialect, connection, null, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Runs statements in one transaction, committed when <paramref name="work"/> returns.</summary>
    public async Task<T> TransactAsync<T>(Func<SqlScope, Task<T>> work, CancellationToken cancellationToken)
    {
        using var gate = await dialect.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var result = await work(new SqlScope(dialect, connection, transaction, cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    public Task<int> ExecuteAsync(string sql, Action<SqlStatement> bind, CancellationToken cancellationToken) =>
        WriteAsync(
            async scope =>
            {
                var statement = scope.Sql(sql);
                await using (statement.ConfigureAwait(false))
                {
                    bind(statement);
                    return await statement.ExecuteAsync().ConfigureAwait(false);
                }
            },
            cancellationToken);

    public Task<List<T>> QueryAsync<T>(string sql, Action<SqlStatement> bind, Func<Row, T> map, CancellationToken cancellationToken) =>
        ReadAsync(scope => QueryAsync(scope, sql, bind, map), cancellationToken);

    public Task<T?> QuerySingleAsync<T>(string sql, Action<SqlStatement> bind, Func<Row, T> map, CancellationToken cancellationToken)
        where T : class =>
        ReadAsync(scope => QuerySingleAsync(scope, sql, bind, map), cancellationToken);

    public static async Task<List<T>> QueryAsync<T>(SqlScope scope, string sql, Action<SqlStatement> bind, Func<Row, T> map)
    {
        var statement = scope.Sql(sql);
        await using (statement.ConfigureAwait(false))
        {
            bind(statement);
            return await statement.QueryAsync(map).ConfigureAwait(false);
        }
    }

    public static async Task<T?> QuerySingleAsync<T>(SqlScope scope, string sql, Action<SqlStatement> bind, Func<Row, T> map)
        where T : class
    {
        var statement = scope.Sql(sql);
        await using (statement.ConfigureAwait(false))
        {
            bind(statement);
            return await statement.QuerySingleAsync(map).ConfigureAwait(false);
        }
    }

    public static async Task<int> ExecuteAsync(SqlScope scope, string sql, Action<SqlStatement> bind)
    {
        var statement = scope.Sql(sql);
        await using (statement.ConfigureAwait(false))
        {
            bind(statement);
            return await statement.ExecuteAsync().ConfigureAwait(false);
        }
    }
}
