using System.Data.Common;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlTwinStore(StoreDatabase db) : ITwinStore
{
    public Task<TwinRecord?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        return db.QuerySingleAsync(
            "SELECT d.id, t.desired_version, t.desired_json, t.desired_updated, t.reported_json, t.reported_epoch, t.reported_seq, " +
            "t.reported_health, t.reported_model_id, t.reported_model_version, t.reported_received, t.last_update, t.last_validation " +
            "FROM devices d LEFT JOIN twins t ON t.device_id = d.id WHERE d.id = @id",
            s => s.Text("id", id),
            r => new TwinRecord(
                r.String(0),
                r.IsNull(2) ? null : new DesiredState(r.Int(1), r.String(2), r.Time(3)),
                r.IsNull(4) ? null : new ReportedState(r.String(4), r.Long(5), r.Long(6), r.NullableString(7), r.NullableString(8), r.NullableString(9), r.Time(10)),
                r.NullableString(11),
                r.NullableString(12)),
            cancellationToken);
    }

    public async Task<DesiredWriteResult> SetDesiredAsync(string deviceId, int expectedVersion, string json, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ArgumentOutOfRangeException.ThrowIfEqual(expectedVersion, int.MaxValue);
        var document = StoreGuard.Json(json);
        var now = db.Now();

        // A conditional write, not read-then-write: the database decides between concurrent writers.
        var sql = expectedVersion == 0
            ? "INSERT INTO twins (device_id, desired_version, desired_json, desired_updated) VALUES (@id, 1, @json, @now) " +
              "ON CONFLICT (device_id) DO UPDATE SET desired_version = 1, desired_json = excluded.desired_json, desired_updated = excluded.desired_updated " +
              "WHERE twins.desired_version = 0"
            : "UPDATE twins SET desired_version = @next, desired_json = @json, desired_updated = @now WHERE device_id = @id AND desired_version = @expected";
        int written;
        try
        {
            written = await db.ExecuteAsync(
                sql,
                s => s.Text("id", id).Json("json", document).Time("now", now).Int("expected", expectedVersion).Int("next", expectedVersion + 1),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (db.Dialect.IsForeignKeyViolation(ex))
        {
            return new DesiredWriteResult(DesiredWriteStatus.UnknownDevice, 0);
        }

        if (written == 1)
        {
            return new DesiredWriteResult(DesiredWriteStatus.Written, expectedVersion + 1);
        }

        var twin = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return twin is null
            ? new DesiredWriteResult(DesiredWriteStatus.UnknownDevice, 0)
            : new DesiredWriteResult(DesiredWriteStatus.VersionConflict, twin.Desired?.Version ?? 0);
    }

    public async Task<ReportedWriteStatus> SetReportedAsync(string deviceId, ReportedUpdate report, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        ArgumentNullException.ThrowIfNull(report);
        var document = StoreGuard.Json(report.Json, nameof(report));
        ArgumentOutOfRangeException.ThrowIfNegative(report.Epoch, nameof(report));
        ArgumentOutOfRangeException.ThrowIfNegative(report.Seq, nameof(report));
        var health = StoreGuard.OptionalToken(report.Health, nameof(report));
        var modelId = StoreGuard.OptionalId(report.ModelId, nameof(report));
        var modelVersion = StoreGuard.OptionalId(report.ModelVersion, nameof(report));
        int written;
        try
        {
            written = await db.ExecuteAsync(
                "INSERT INTO twins (device_id, desired_version, reported_json, reported_epoch, reported_seq, reported_health, reported_model_id, reported_model_version, reported_received) " +
                "VALUES (@id, 0, @json, @epoch, @seq, @health, @modelId, @modelVersion, @now) " +
                "ON CONFLICT (device_id) DO UPDATE SET reported_json = excluded.reported_json, reported_epoch = excluded.reported_epoch, " +
                "reported_seq = excluded.reported_seq, reported_health = excluded.reported_health, reported_model_id = excluded.reported_model_id, " +
                "reported_model_version = excluded.reported_model_version, reported_received = excluded.reported_received " +
                "WHERE twins.reported_epoch IS NULL OR twins.reported_epoch < excluded.reported_epoch " +
                "OR (twins.reported_epoch = excluded.reported_epoch AND twins.reported_seq < excluded.reported_seq)",
                s => s.Text("id", id).Json("json", document).Long("epoch", report.Epoch).Long("seq", report.Seq)
                    .Text("health", health).Text("modelId", modelId).Text("modelVersion", modelVersion).Time("now", db.Now()),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (db.Dialect.IsForeignKeyViolation(ex))
        {
            return ReportedWriteStatus.UnknownDevice;
        }

        return written == 1 ? ReportedWriteStatus.Written : ReportedWriteStatus.Stale;
    }

    public async Task<bool> SetLastEventAsync(string deviceId, TwinEventKind kind, string json, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(deviceId);
        var document = StoreGuard.Json(json);
        var sql = kind switch
        {
            TwinEventKind.Update =>
                "INSERT INTO twins (device_id, desired_version, last_update) VALUES (@id, 0, @json) " +
                "ON CONFLICT (device_id) DO UPDATE SET last_update = excluded.last_update",
            TwinEventKind.Validation =>
                "INSERT INTO twins (device_id, desired_version, last_validation) VALUES (@id, 0, @json) " +
                "ON CONFLICT (device_id) DO UPDATE SET last_validation = excluded.last_validation",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a twin event kind"),
        };
        try
        {
            return await db.ExecuteAsync(sql, s => s.Text("id", id).Json("json", document), cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (DbException ex) when (db.Dialect.IsForeignKeyViolation(ex))
        {
            return false;
        }
    }
}
