namespace Fleet.Gateway.Store;

/// <summary>Which store a gateway uses, bound from the <c>Fleet:Store</c> configuration section.</summary>
internal sealed record FleetStoreOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    /// <summary><c>sqlite</c> (embedded default, a file under the data directory) or <c>postgresql</c> (scale-out).</summary>
    public string Provider { get; init; } = Sqlite;

    /// <summary>SQLite: database file path (default <c>{DataDirectory}/fleet.db</c>); PostgreSQL: the Npgsql connection string.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>PostgreSQL schema holding the store's tables.</summary>
    public string Schema { get; init; } = "fleet";

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Provider is not (Sqlite or Postgres))
        {
            problems.Add($"Fleet:Store:Provider '{Provider}' must be '{Sqlite}' or '{Postgres}'.");
        }

        if (Provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("Fleet:Store:ConnectionString is required with the postgresql provider.");
        }

        return problems;
    }
}
