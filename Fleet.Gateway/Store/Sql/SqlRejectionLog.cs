using System.Globalization;
using System.Text;
using Fleet.Gateway.Store.Rejections;

namespace Fleet.Gateway.Store.Sql;

/// <summary>The rejected-messages log; what a device sent is cut and cleaned here, so any message can be recorded.</summary>
internal sealed class SqlRejectionLog(StoreDatabase db) : IRejectionLog
{
    public async Task<RejectedMessage> AppendAsync(NewRejection rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var cause = StoreGuard.Token(rejection.Cause);
        if (!RejectionCauses.All.Contains(cause))
        {
            throw new ArgumentException($"unknown rejection cause '{cause}'", nameof(rejection));
        }

        var topic = Clean(rejection.Topic, RejectionLimits.MaxTopicLength, nameof(rejection.Topic));
        var kind = StoreGuard.Token(rejection.Kind);
        var reason = Clean(rejection.Reason, StoreGuard.MaxTextLength, nameof(rejection.Reason));
        var device = rejection.DeviceId is { Length: > 0 } id && id.Length <= StoreLimits.MaxIdLength ? StoreGuard.OptionalId(Clean(id, StoreLimits.MaxIdLength, "DeviceId")) : null;
        var excerpt = rejection.Payload.Span[..Math.Min(rejection.Payload.Length, RejectionLimits.ExcerptBytes)].ToArray();
        var size = rejection.Payload.Length;
        var now = db.Now();
        var ids = await db.WriteAsync(
            scope => StoreDatabase.QueryAsync(
                scope,
                "INSERT INTO rejected_messages (received, device_id, topic, kind, cause, reason, size, excerpt) VALUES (@now, @device, @topic, @kind, @cause, @reason, @size, @excerpt) RETURNING id",
                s => s.Time("now", now).Text("device", device).Text("topic", topic).Text("kind", kind).Text("cause", cause).Text("reason", reason).Int("size", size).Bytes("excerpt", excerpt),
                r => r.Long(0)),
            cancellationToken).ConfigureAwait(false);
        return new RejectedMessage(ids[0], now, device, topic, kind, cause, reason, size, excerpt);
    }

    public Task<int> TrimAsync(int keep, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        // The id of the newest row to drop is the (keep+1)-th newest; none when there are no more rows than that.
        return db.WriteAsync(
            scope => StoreDatabase.ExecuteAsync(
                scope,
                "DELETE FROM rejected_messages WHERE id <= (SELECT id FROM rejected_messages ORDER BY id DESC LIMIT 1 OFFSET @keep)",
                s => s.Int("keep", keep)),
            cancellationToken);
    }

    public async Task<RejectionPage> ListAsync(RejectionQuery query, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreGuard.Limit(limit);
        long? before = after is null ? null : ParseCursor(after);
        var device = StoreGuard.OptionalId(query.DeviceId);
        var kind = StoreGuard.OptionalToken(query.Kind);
        var cause = StoreGuard.OptionalToken(query.Cause);
        var rows = await db.QueryAsync(
            "SELECT id, received, device_id, topic, kind, cause, reason, size, excerpt FROM rejected_messages WHERE 1 = 1" +
            (before is null ? "" : " AND id < @before") +
            (device is null ? "" : " AND device_id = @device") +
            (kind is null ? "" : " AND kind = @kind") +
            (cause is null ? "" : " AND cause = @cause") +
            " ORDER BY id DESC LIMIT @limit",
            s =>
            {
                s.Int("limit", limit + 1);
                if (before is not null)
                {
                    s.Long("before", before);
                }

                if (device is not null)
                {
                    s.Text("device", device);
                }

                if (kind is not null)
                {
                    s.Text("kind", kind);
                }

                if (cause is not null)
                {
                    s.Text("cause", cause);
                }
            },
            r => new RejectedMessage(r.Long(0), r.Time(1), r.NullableString(2), r.String(3), r.String(4), r.String(5), r.String(6), r.Int(7), r.Bytes(8)),
            cancellationToken).ConfigureAwait(false);
        if (rows.Count <= limit)
        {
            return new RejectionPage(rows, null);
        }

        rows.RemoveAt(limit);
        return new RejectionPage(rows, PageCursor.FromText(rows[^1].Id.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Control characters become spaces and the text is cut to <paramref name="max"/> characters; empty text is refused.</summary>
    private static string Clean(string? value, int max, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        var builder = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, max)))
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        var cleaned = builder.ToString();
        // A cut may split a surrogate pair; drop the lone half.
        return cleaned.Length > 0 && char.IsHighSurrogate(cleaned[^1]) ? cleaned[..^1] : cleaned;
    }

    private static long ParseCursor(string cursor) =>
        long.TryParse(PageCursor.ToText(cursor, nameof(cursor)), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException("not a cursor this store issued", nameof(cursor));
}
