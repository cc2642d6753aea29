using Fleet.Gateway.Store.Healing;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlHealEventStore(StoreDatabase db) : IHealEventStore
{
    /// <summary>The protocol's largest excerpt: 1024 16-bit samples.</summary>
    private const int MaxExcerptBytes = Fleet.Shared.Protocol.HealOutputSnippets.MaxSamples * sizeof(short);

    private const string Columns = "device_id, event_id, occurred, diagnosis, trigger_kind, rungs, remediation, outcome, model_version, seq, device_time";

    public async Task<bool> AppendAsync(HealEventRecord healEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(healEvent);
        var deviceId = StoreGuard.Id(healEvent.DeviceId, nameof(healEvent));
        var eventId = StoreGuard.Id(healEvent.EventId, nameof(healEvent));
        var diagnosis = StoreGuard.Token(healEvent.Diagnosis, nameof(healEvent));
        var trigger = StoreGuard.Token(healEvent.Trigger, nameof(healEvent));
        var rungs = StoreGuard.Json(healEvent.RungsJson, nameof(healEvent));
        var remediation = StoreGuard.OptionalToken(healEvent.Remediation, nameof(healEvent));
        var outcome = StoreGuard.Token(healEvent.Outcome, nameof(healEvent));
        var modelVersion = StoreGuard.Id(healEvent.ModelVersion, nameof(healEvent));
        var inserted = await db.ExecuteAsync(
            "INSERT INTO heal_events (device_id, event_id, occurred, diagnosis, trigger_kind, rungs, remediation, outcome, model_version, device_time) " +
            "VALUES (@deviceId, @eventId, @occurred, @diagnosis, @trigger, @rungs, @remediation, @outcome, @modelVersion, @deviceTime) " +
            "ON CONFLICT (device_id, event_id) DO NOTHING",
            s => s.Text("deviceId", deviceId).Text("eventId", eventId).Time("occurred", StoreTime.Normalize(healEvent.Time))
                .Text("diagnosis", diagnosis).Text("trigger", trigger).Json("rungs", rungs).Text("remediation", remediation)
                .Text("outcome", outcome).Text("modelVersion", modelVersion)
                .Time("deviceTime", healEvent.DeviceTime is { } deviceTime ? StoreTime.Normalize(deviceTime) : null),
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<HealEventPage> ListByDeviceAsync(string deviceId, int limit, string? after, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        StoreGuard.Limit(limit);
        var cursor = after is null ? ((long, long)?)null : PageCursor.ToNumbers(after, nameof(after));
        var rows = await db.QueryAsync(
            "SELECT " + Columns + " FROM heal_events WHERE device_id = @deviceId" +
            (cursor is null ? "" : " AND (occurred < @afterTime OR (occurred = @afterTime AND seq < @afterSeq))") +
            " ORDER BY occurred DESC, seq DESC LIMIT @limit",
            s => BindPage(s.Text("deviceId", id), limit, cursor),
            Map,
            cancellationToken).ConfigureAwait(false);
        return Page(rows, limit);
    }

    public async Task<HealEventPage> ListByModelVersionAsync(
        string modelVersion, DateTimeOffset from, DateTimeOffset to, int limit, string? after, CancellationToken cancellationToken)
    {
        var version = StoreGuard.Id(modelVersion);
        StoreGuard.Limit(limit);
        var cursor = after is null ? ((long, long)?)null : PageCursor.ToNumbers(after, nameof(after));
        var rows = await db.QueryAsync(
            "SELECT " + Columns + " FROM heal_events WHERE model_version = @modelVersion AND occurred >= @from AND occurred < @to" +
            (cursor is null ? "" : " AND (occurred > @afterTime OR (occurred = @afterTime AND seq > @afterSeq))") +
            " ORDER BY occurred, seq LIMIT @limit",
            s => BindPage(s.Text("modelVersion", version).Time("from", StoreTime.Normalize(from)).Time("to", StoreTime.Normalize(to)), limit, cursor),
            Map,
            cancellationToken).ConfigureAwait(false);
        return Page(rows, limit);
    }

    public async Task SaveWaveformsAsync(HealWaveforms waveforms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        var deviceId = StoreGuard.Id(waveforms.DeviceId, nameof(waveforms));
        var healId = StoreGuard.Id(waveforms.HealId, nameof(waveforms));
        var diagnosis = StoreGuard.Token(waveforms.Diagnosis, nameof(waveforms));
        var outcome = StoreGuard.Token(waveforms.Outcome, nameof(waveforms));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(waveforms.SampleRate, nameof(waveforms));
        if (waveforms.Clean is { Length: > MaxExcerptBytes } || waveforms.Corrupted is { Length: > MaxExcerptBytes })
        {
            throw new ArgumentException($"an excerpt is larger than {MaxExcerptBytes} bytes", nameof(waveforms));
        }

        await db.ExecuteAsync(
            "INSERT INTO heal_waveforms (device_id, heal_id, recorded, diagnosis, outcome, sample_rate, clean, corrupted) " +
            "VALUES (@deviceId, @healId, @recorded, @diagnosis, @outcome, @sampleRate, @clean, @corrupted) " +
            "ON CONFLICT (device_id) DO UPDATE SET heal_id = excluded.heal_id, recorded = excluded.recorded, diagnosis = excluded.diagnosis, " +
            "outcome = excluded.outcome, sample_rate = excluded.sample_rate, clean = excluded.clean, corrupted = excluded.corrupted",
            s => s.Text("deviceId", deviceId).Text("healId", healId).Time("recorded", StoreTime.Normalize(waveforms.Recorded))
                .Text("diagnosis", diagnosis).Text("outcome", outcome).Int("sampleRate", waveforms.SampleRate)
                .Bytes("clean", waveforms.Clean).Bytes("corrupted", waveforms.Corrupted),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<HealWaveforms?> GetWaveformsAsync(string deviceId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        var rows = await db.QueryAsync(
            "SELECT device_id, heal_id, recorded, diagnosis, outcome, sample_rate, clean, corrupted FROM heal_waveforms WHERE device_id = @deviceId",
            s => s.Text("deviceId", id),
            r => new HealWaveforms(r.String(0), r.String(1), r.Time(2), r.String(3), r.String(4), r.Int(5), r.IsNull(6) ? null : r.Bytes(6), r.IsNull(7) ? null : r.Bytes(7)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<HealSignatureCount>> SummarizeAsync(
        string modelVersion, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var version = StoreGuard.Id(modelVersion);
        var rows = await db.QueryAsync(
            "SELECT diagnosis, outcome, COUNT(*), COUNT(DISTINCT device_id) FROM heal_events " +
            "WHERE model_version = @modelVersion AND occurred >= @from AND occurred < @to GROUP BY diagnosis, outcome",
            s => s.Text("modelVersion", version).Time("from", StoreTime.Normalize(from)).Time("to", StoreTime.Normalize(to)),
            r => new HealSignatureCount(r.String(0), r.String(1), r.Int(2), r.Int(3)),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(c => c.Diagnosis, StringComparer.Ordinal).ThenBy(c => c.Outcome, StringComparer.Ordinal)];
    }

    private static void BindPage(SqlStatement statement, int limit, (long Time, long Seq)? cursor)
    {
        statement.Int("limit", limit + 1);
        if (cursor is { } c)
        {
            statement.Time("afterTime", StoreTime.FromUnixMicroseconds(c.Time)).Long("afterSeq", c.Seq);
        }
    }

    private static HealEventPage Page(List<(HealEventRecord Event, long Seq)> rows, int limit)
    {
        if (rows.Count <= limit)
        {
            return new HealEventPage([.. rows.Select(r => r.Event)], null);
        }

        var last = rows[limit - 1];
        return new HealEventPage(
            [.. rows.Take(limit).Select(r => r.Event)],
            PageCursor.FromNumbers(StoreTime.ToUnixMicroseconds(last.Event.Time), last.Seq));
    }

    private static (HealEventRecord, long) Map(Row r) => (
        new HealEventRecord(r.String(0), r.String(1), r.Time(2), r.String(3), r.String(4), r.String(5), r.NullableString(6), r.String(7), r.String(8), r.NullableTime(10)),
        r.Long(9));
}
