using Fleet.Gateway.Store.Insights;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlInsightStore(StoreDatabase db) : IInsightStore
{
    public async Task<InsightRecord> AppendAsync(NewInsight insight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(insight);
        var deviceId = StoreGuard.Id(insight.DeviceId, nameof(insight));
        var modelVersion = StoreGuard.Id(insight.ModelVersion, nameof(insight));
        var signature = StoreGuard.Text(insight.Signature, nameof(insight));
        var payload = StoreGuard.Json(insight.PayloadJson, nameof(insight));
        var now = db.Now();
        var ids = await db.TransactAsync(
            async scope =>
            {
                // Readers resume after the last id they saw, so ids must become visible in order.
                await db.Dialect.OrderAppendsAsync(scope, "insights").ConfigureAwait(false);
                return await StoreDatabase.QueryAsync(
                    scope,
                    "INSERT INTO insights (device_id, model_version, signature, payload, received) VALUES (@deviceId, @modelVersion, @signature, @payload, @now) RETURNING id",
                    s => s.Text("deviceId", deviceId).Text("modelVersion", modelVersion).Text("signature", signature).Json("payload", payload).Time("now", now),
                    r => r.Long(0)).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return new InsightRecord(ids[0], deviceId, modelVersion, signature, payload, now);
    }

    public async Task<IReadOnlyList<InsightRecord>> ListByModelVersionAsync(string modelVersion, long afterId, int limit, CancellationToken cancellationToken)
    {
        var version = StoreGuard.Id(modelVersion);
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        StoreGuard.Limit(limit);
        return await db.QueryAsync(
            "SELECT id, device_id, model_version, signature, payload, received FROM insights " +
            "WHERE model_version = @modelVersion AND id > @afterId ORDER BY id LIMIT @limit",
            s => s.Text("modelVersion", version).Long("afterId", afterId).Int("limit", limit),
            r => new InsightRecord(r.Long(0), r.String(1), r.String(2), r.String(3), r.String(4), r.Time(5)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountBySignatureAsync(string modelVersion, CancellationToken cancellationToken)
    {
        var version = StoreGuard.Id(modelVersion);
        var rows = await db.QueryAsync(
            "SELECT signature, COUNT(*) FROM insights WHERE model_version = @modelVersion GROUP BY signature",
            s => s.Text("modelVersion", version),
            r => (Signature: r.String(0), Count: r.Int(1)),
            cancellationToken).ConfigureAwait(false);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (signature, count) in rows)
        {
            counts[signature] = count;
        }

        return counts;
    }
}
