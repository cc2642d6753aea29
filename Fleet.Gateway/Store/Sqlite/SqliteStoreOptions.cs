namespace Fleet.Gateway.Store.Sqlite;

/// <summary>Where the embedded store keeps its database file.</summary>
internal sealed record SqliteStoreOptions(string DatabasePath)
{
    /// <summary>How long a write waits for another process holding the file's write lock.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Migrate only up to this version (upgrade tests); null migrates to the newest.</summary>
    public int? TargetSchemaVersion { get; init; }

    /// <summary>The default file under the gateway's data directory.</summary>
    public static SqliteStoreOptions InDataDirectory(string dataDirectory) =>
        new(Path.Combine(dataDirectory, "fleet.db"));
}
