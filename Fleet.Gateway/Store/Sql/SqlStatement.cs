using System.Data;
using System.Data.Common;

namespace Fleet.Gateway.Store.Sql;

/// <summary>One parameterised command; parameters are always bound, never spliced into the text.</summary>
internal sealed class SqlStatement(StoreDialect dialect, DbCommand command, CancellationToken cancellationToken) : IAsyncDisposable
{
    public SqlStatement Text(string name, string? value) => Add(name, value, DbType.String);

    public SqlStatement Int(string name, int? value) => Add(name, value, DbType.Int32);

    public SqlStatement Long(string name, long? value) => Add(name, value, DbType.Int64);

    public SqlStatement Bool(string name, bool value) => Add(name, value, DbType.Boolean);

    public SqlStatement Bytes(string name, byte[]? value) => Add(name, value, DbType.Binary);

    public SqlStatement Time(string name, DateTimeOffset? value)
    {
        dialect.AddTime(command, name, value);
        return this;
    }

    public SqlStatement Json(string name, string? value)
    {
        dialect.AddJson(command, name, value);
        return this;
    }

    public Task<int> ExecuteAsync() => command.ExecuteNonQueryAsync(cancellationToken);

    public async Task<List<T>> QueryAsync<T>(Func<Row, T> map)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var row = new Row(reader, dialect);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(row));
        }

        return rows;
    }

    public async Task<T?> QuerySingleAsync<T>(Func<Row, T> map)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? map(new Row(reader, dialect)) : null;
    }

    public ValueTask DisposeAsync() => command.DisposeAsync();

    private SqlStatement Add(string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return this;
    }
}
