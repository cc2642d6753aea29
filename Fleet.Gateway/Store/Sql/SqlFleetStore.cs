using Fleet.Gateway.Store.Audit;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Distillation;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Insights;
using Fleet.Gateway.Store.Models;
using Fleet.Gateway.Store.Rejections;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Gateway.Store.Sql;

/// <summary>The store over any <see cref="StoreDialect"/>; SQLite and PostgreSQL share every statement.</summary>
internal abstract class SqlFleetStore : IFleetStore
{
    private readonly StoreDialect _dialect;

    private protected SqlFleetStore(StoreDialect dialect, TimeProvider timeProvider, SchemaInfo schema)
    {
        _dialect = dialect;
        Schema = schema;
        var db = new StoreDatabase(dialect, timeProvider);
        Devices = new SqlDeviceStore(db);
        Twins = new SqlTwinStore(db);
        HealEvents = new SqlHealEventStore(db);
        Insights = new SqlInsightStore(db);
        Models = new SqlModelStore(db);
        Rollouts = new SqlRolloutStore(db);
        Distillations = new SqlDistillationStore(db);
        Audit = new SqlAuditLog(db);
        Rejections = new SqlRejectionLog(db);
    }

    public SchemaInfo Schema { get; }

    public IDeviceStore Devices { get; }

    public ITwinStore Twins { get; }

    public IHealEventStore HealEvents { get; }

    public IInsightStore Insights { get; }

    public IModelStore Models { get; }

    public IRolloutStore Rollouts { get; }

    public IDistillationStore Distillations { get; }

    public IAuditLog Audit { get; }

    public IRejectionLog Rejections { get; }

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    /// <summary>Migrates the database behind <paramref name="dialect"/>, disposing the dialect when that fails.</summary>
    private protected static async Task<SchemaInfo> MigrateAsync(StoreDialect dialect, TimeProvider timeProvider, int? targetVersion, CancellationToken cancellationToken)
    {
        try
        {
            return await MigrationRunner.ApplyAsync(new StoreDatabase(dialect, timeProvider), targetVersion, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
