namespace Fleet.Gateway.Store.Postgres;

/// <summary>A PostgreSQL database shared by gateway nodes; the store lives in <see cref="Schema"/>.</summary>
internal sealed record PostgresStoreOptions(string ConnectionString)
{
    /// <summary>Schema holding the store's tables, created when missing (lowercase letters, digits, underscores).</summary>
    public string Schema { get; init; } = "fleet";

    /// <summary>Migrate only up to this version (upgrade tests); null migrates to the newest.</summary>
    public int? TargetSchemaVersion { get; init; }
}
