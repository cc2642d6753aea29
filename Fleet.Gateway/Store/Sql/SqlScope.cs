using System.Data.Common;

namespace Fleet.Gateway.Store.Sql;

/// <summary>A connection (and transaction, when in one) that statements of one store operation share.</summary>
internal sealed class SqlScope(StoreDialect dialect, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
{
    public DbConnection Connection => connection;

    public DbTransaction? Transaction => transaction;

    public SqlStatement Sql(string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Transaction = transaction;
        return new SqlStatement(dialect, command, cancellationToken);
    }
}
