using Fleet.Gateway.Store.Audit;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Distillation;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Insights;
using Fleet.Gateway.Store.Models;
using Fleet.Gateway.Store.Rejections;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Gateway.Store;

/// <summary>The gateway's durable state: one facade over focused stores, backed by SQLite or PostgreSQL.</summary>
/// <remarks>
/// Every member is safe to call concurrently from many actors. Expected outcomes (duplicates, stale
/// versions, leases held by another node) are result values; bad input throws an
/// <see cref="ArgumentException"/>; exceptions otherwise mean a bug or a database fault.
/// Times are UTC with microsecond precision; "now" always comes from the store's <see cref="TimeProvider"/>.
/// </remarks>
internal interface IFleetStore : IAsyncDisposable
{
    /// <summary>The schema the database was migrated to when the store opened.</summary>
    SchemaInfo Schema { get; }

    IDeviceStore Devices { get; }

    ITwinStore Twins { get; }

    IHealEventStore HealEvents { get; }

    IInsightStore Insights { get; }

    IModelStore Models { get; }

    IRolloutStore Rollouts { get; }

    IDistillationStore Distillations { get; }

    IAuditLog Audit { get; }

    IRejectionLog Rejections { get; }
}
