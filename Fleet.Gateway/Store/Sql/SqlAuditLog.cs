using System.Globalization;
using Fleet.Gateway.Store.Audit;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlAuditLog(StoreDatabase db) : IAuditLog
{
    public async Task<AuditEntry> AppendAsync(string actor, string action, string target, string detailsJson, CancellationToken cancellationToken)
    {
        var who = StoreGuard.Id(actor);
        var what = StoreGuard.Token(action);
        var on = StoreGuard.Text(target);
        var details = StoreGuard.Json(detailsJson);
        var now = db.Now();
        var ids = await db.WriteAsync(
            scope => StoreDatabase.QueryAsync(
                scope,
                "INSERT INTO audit_log (recorded, actor, action, target, details) VALUES (@now, @actor, @action, @target, @details) RETURNING id",
                s => s.Time("now", now).Text("actor", who).Text("action", what).Text("target", on).Json("details", details),
                r => r.Long(0)),
            cancellationToken).ConfigureAwait(false);
        return new AuditEntry(ids[0], now, who, what, on, details);
    }

    public async Task<AuditPage> ListAsync(int limit, string? after, string? target, CancellationToken cancellationToken)
    {
        StoreGuard.Limit(limit);
        long? before = after is null ? null : ParseCursor(after);
        var on = StoreGuard.OptionalText(target);
        var rows = await db.QueryAsync(
            "SELECT id, recorded, actor, action, target, details FROM audit_log WHERE 1 = 1" +
            (before is null ? "" : " AND id < @before") +
            (on is null ? "" : " AND target = @target") +
            " ORDER BY id DESC LIMIT @limit",
            s =>
            {
                s.Int("limit", limit + 1);
                if (before is not null)
                {
                    s.Long("before", before);
                }

                if (on is not null)
                {
                    s.Text("target", on);
                }
            },
            r => new AuditEntry(r.Long(0), r.Time(1), r.String(2), r.String(3), r.String(4), r.String(5)),
            cancellationToken).ConfigureAwait(false);
        if (rows.Count <= limit)
        {
            return new AuditPage(rows, null);
        }

        rows.RemoveAt(limit);
        return new AuditPage(rows, PageCursor.FromText(rows[^1].Id.ToString(CultureInfo.InvariantCulture)));
    }

    private static long ParseCursor(string cursor) =>
        long.TryParse(PageCursor.ToText(cursor, nameof(cursor)), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException("not a cursor this store issued", nameof(cursor));
}
