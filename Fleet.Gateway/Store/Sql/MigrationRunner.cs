using System.Globalization;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Brings a database to a schema version: pending migrations in order, in one transaction, each recorded.</summary>
internal static class MigrationRunner
{
    /// <param name="targetVersion">Stop after this migration (upgrade tests); null applies all.</param>
    public static Task<SchemaInfo> ApplyAsync(StoreDatabase db, int? targetVersion, CancellationToken cancellationToken)
    {
        var migrations = db.Dialect.Migrations;
        var target = targetVersion ?? migrations.Count;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target, nameof(targetVersion));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, migrations.Count, nameof(targetVersion));
        return db.TransactAsync(
            async scope =>
            {
                await db.Dialect.PrepareMigrationAsync(scope.Connection, scope.Transaction!, cancellationToken).ConfigureAwait(false);
                await StoreDatabase.ExecuteAsync(scope, db.Dialect.MigrationsTableSql, _ => { }).ConfigureAwait(false);
                var applied = await StoreDatabase.QueryAsync(scope, "SELECT version FROM schema_migrations", _ => { }, r => r.Int(0)).ConfigureAwait(false);
                var newest = applied.Count == 0 ? 0 : applied.Max();
                if (newest > migrations.Count)
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"the {db.Dialect.Name} database is at schema version {newest}, newer than this gateway knows ({migrations.Count}); upgrade the gateway"));
                }

                var now = db.Now();
                var appliedNow = new List<int>();
                foreach (var migration in migrations)
                {
                    if (migration.Version > target || applied.Contains(migration.Version))
                    {
                        continue;
                    }

                    await StoreDatabase.ExecuteAsync(scope, migration.Sql, _ => { }).ConfigureAwait(false);
                    await StoreDatabase.ExecuteAsync(
                        scope,
                        "INSERT INTO schema_migrations (version, name, applied) VALUES (@version, @name, @now)",
                        s => s.Int("version", migration.Version).Text("name", migration.Name).Time("now", now)).ConfigureAwait(false);
                    appliedNow.Add(migration.Version);
                }

                return new SchemaInfo(db.Dialect.Name, Math.Max(newest, appliedNow.Count == 0 ? 0 : appliedNow.Max()), appliedNow);
            },
            cancellationToken);
    }
}
