using System.Text;
using Fleet.Gateway.Store.Devices;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlDeviceStore(StoreDatabase db) : IDeviceStore
{
    private const string Columns =
        "d.id, d.shard, d.created, d.credentials, d.labels, d.quarantined, d.quarantine_reason, d.last_seen, d.online, t.reported_health, t.reported_model_version";

    private const string From = " FROM devices d LEFT JOIN twins t ON t.device_id = d.id";

    public async Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var id = StoreGuard.Id(registration.Id);
        var shard = StoreGuard.Shard(registration.Shard);
        var credentials = EnumText.Of(registration.Credentials);
        var labels = Labels.ToJson(registration.Labels, nameof(registration));
        var added = await db.ExecuteAsync(
            "INSERT INTO devices (id, shard, created, credentials, labels, quarantined, online) " +
            "VALUES (@id, @shard, @now, @credentials, @labels, FALSE, FALSE) ON CONFLICT (id) DO NOTHING",
            s => s.Text("id", id).Int("shard", shard).Time("now", db.Now()).Text("credentials", credentials).Json("labels", labels),
            cancellationToken).ConfigureAwait(false);
        return added == 1;
    }

    public Task<DeviceRecord?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        return db.QuerySingleAsync("SELECT " + Columns + From + " WHERE d.id = @id", s => s.Text("id", id), Map, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string deviceId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        return await db.ExecuteAsync("DELETE FROM devices WHERE id = @id", s => s.Text("id", id), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetLabelsAsync(string deviceId, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        ArgumentNullException.ThrowIfNull(labels);
        var json = Labels.ToJson(labels, nameof(labels));
        return await db.ExecuteAsync(
            "UPDATE devices SET labels = @labels WHERE id = @id",
            s => s.Text("id", id).Json("labels", json),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetPresenceAsync(string deviceId, bool online, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        return await db.ExecuteAsync(
            "UPDATE devices SET online = @online, last_seen = @now WHERE id = @id",
            s => s.Text("id", id).Bool("online", online).Time("now", db.Now()),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> TouchAsync(string deviceId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        return await db.ExecuteAsync(
            "UPDATE devices SET last_seen = @now WHERE id = @id",
            s => s.Text("id", id).Time("now", db.Now()),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetQuarantineAsync(string deviceId, string? reason, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        var why = StoreGuard.OptionalText(reason);
        return await db.ExecuteAsync(
            "UPDATE devices SET quarantined = @quarantined, quarantine_reason = @reason WHERE id = @id",
            s => s.Text("id", id).Bool("quarantined", why is not null).Text("reason", why),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<DevicePage> ListAsync(DeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = StoreGuard.Limit(query.Limit);
        var after = query.After is null ? null : StoreGuard.Id(PageCursor.ToText(query.After, nameof(query)), nameof(query));
        var health = StoreGuard.OptionalToken(query.Health);
        var modelVersion = StoreGuard.OptionalId(query.ModelVersion);
        int? shard = query.Shard is { } k ? StoreGuard.Shard(k) : null;

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(From).Append(" WHERE 1 = 1");
        if (after is not null)
        {
            sql.Append(" AND d.id > @after");
        }

        AppendUnknownAware(sql, "t.reported_health", "health", health);
        AppendUnknownAware(sql, "t.reported_model_version", "modelVersion", modelVersion);
        if (shard is not null)
        {
            sql.Append(" AND d.shard = @shard");
        }

        if (query.Online is not null)
        {
            sql.Append(" AND d.online = @online");
        }

        if (query.Quarantined is not null)
        {
            sql.Append(" AND d.quarantined = @quarantined");
        }

        sql.Append(" ORDER BY d.id LIMIT @limit");
        var rows = await db.QueryAsync(
            sql.ToString(),
            s =>
            {
                s.Int("limit", limit + 1);
                if (after is not null)
                {
                    s.Text("after", after);
                }

                if (health is not null and not FleetSummary.Unknown)
                {
                    s.Text("health", health);
                }

                if (modelVersion is not null and not FleetSummary.Unknown)
                {
                    s.Text("modelVersion", modelVersion);
                }

                if (shard is not null)
                {
                    s.Int("shard", shard);
                }

                if (query.Online is { } online)
                {
                    s.Bool("online", online);
                }

                if (query.Quarantined is { } quarantined)
                {
                    s.Bool("quarantined", quarantined);
                }
            },
            Map,
            cancellationToken).ConfigureAwait(false);

        if (rows.Count <= limit)
        {
            return new DevicePage(rows, null);
        }

        rows.RemoveAt(limit);
        return new DevicePage(rows, PageCursor.FromText(rows[^1].Id));
    }

    public Task<FleetSummary> GetSummaryAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(
            async scope =>
            {
                var totals = await StoreDatabase.QuerySingleAsync(
                    scope,
                    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN online THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN quarantined THEN 1 ELSE 0 END), 0) FROM devices",
                    _ => { },
                    r => new[] { r.Int(0), r.Int(1), r.Int(2) }).ConfigureAwait(false);
                var byHealth = await CountByAsync(scope, StateOf).ConfigureAwait(false);
                var byModel = await CountByAsync(scope, "t.reported_model_version").ConfigureAwait(false);
                return new FleetSummary(totals![0], totals[1], totals[2], byHealth, byModel);
            },
            cancellationToken);

    /// <summary>The one state a device counts under, as the dashboard draws it: quarantine wins, then presence, then reported health.</summary>
    private static readonly string StateOf =
        $"CASE WHEN d.quarantined THEN '{FleetSummary.QuarantinedState}' WHEN NOT d.online THEN '{FleetSummary.OfflineState}' ELSE t.reported_health END";

    private static async Task<IReadOnlyDictionary<string, int>> CountByAsync(SqlScope scope, string column)
    {
        var key = $"COALESCE({column}, '{FleetSummary.Unknown}')";
        var rows = await StoreDatabase.QueryAsync(
            scope,
            $"SELECT {key}, COUNT(*) {From} GROUP BY {key}",
            _ => { },
            r => (Key: r.String(0), Count: r.Int(1))).ConfigureAwait(false);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (value, count) in rows)
        {
            counts[value] = count;
        }

        return counts;
    }

    private static void AppendUnknownAware(StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(value == FleetSummary.Unknown ? $" AND {column} IS NULL" : $" AND {column} = @{parameter}");
    }

    private static DeviceRecord Map(Row r) => new(
        r.String(0),
        r.Int(1),
        r.Time(2),
        EnumText.CredentialKindOf(r.String(3)),
        Labels.FromJson(r.String(4)),
        r.Bool(5),
        r.NullableString(6),
        r.NullableTime(7),
        r.Bool(8),
        r.NullableString(9),
        r.NullableString(10));
}
