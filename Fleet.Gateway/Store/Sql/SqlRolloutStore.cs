using System.Data.Common;
using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlRolloutStore(StoreDatabase db) : IRolloutStore
{
    private const string Columns = "id, model_id, model_version, state, policy, wave_index, reason, version, created, updated";

    public async Task<bool> CreateAsync(NewRollout rollout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var id = StoreGuard.Id(rollout.Id, nameof(rollout));
        var modelId = StoreGuard.Id(rollout.ModelId, nameof(rollout));
        var modelVersion = StoreGuard.Id(rollout.ModelVersion, nameof(rollout));
        var policy = StoreGuard.Json(rollout.PolicyJson, nameof(rollout));
        var now = db.Now();
        return await db.ExecuteAsync(
            "INSERT INTO rollouts (id, model_id, model_version, state, policy, wave_index, reason, version, created, updated) " +
            "VALUES (@id, @modelId, @modelVersion, @state, @policy, 0, NULL, 1, @now, @now) ON CONFLICT (id) DO NOTHING",
            s => s.Text("id", id).Text("modelId", modelId).Text("modelVersion", modelVersion)
                .Text("state", EnumText.Of(RolloutState.Pending)).Json("policy", policy).Time("now", now),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<RolloutRecord?> GetAsync(string rolloutId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(rolloutId);
        return db.QuerySingleAsync("SELECT " + Columns + " FROM rollouts WHERE id = @id", s => s.Text("id", id), Map, cancellationToken);
    }

    public async Task<IReadOnlyList<RolloutRecord>> ListAsync(IReadOnlyCollection<RolloutState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        var names = states.Distinct().Select(EnumText.Of).ToList();
        var filter = names.Count == 0 ? "" : " WHERE state IN (" + string.Join(", ", names.Select((_, i) => "@s" + i)) + ")";
        var rows = await db.QueryAsync(
            "SELECT " + Columns + " FROM rollouts" + filter,
            s =>
            {
                for (var i = 0; i < names.Count; i++)
                {
                    s.Text("s" + i, names[i]);
                }
            },
            Map,
            cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    public async Task<RolloutUpdateResult> UpdateAsync(string rolloutId, RolloutChange change, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(rolloutId);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(change.ExpectedVersion, nameof(change));
        ArgumentOutOfRangeException.ThrowIfNegative(change.WaveIndex, nameof(change));
        var state = EnumText.Of(change.State);
        var reason = StoreGuard.OptionalText(change.Reason, nameof(change));
        var updated = await db.WriteAsync(
            scope => StoreDatabase.QuerySingleAsync(
                scope,
                "UPDATE rollouts SET state = @state, wave_index = @wave, reason = @reason, version = version + 1, updated = @now " +
                "WHERE id = @id AND version = @expected AND state NOT IN (@aborted, @completed, @rolledBack) RETURNING " + Columns,
                s => s.Text("id", id).Text("state", state).Int("wave", change.WaveIndex).Text("reason", reason).Time("now", db.Now())
                    .Int("expected", change.ExpectedVersion).Text("aborted", EnumText.Of(RolloutState.Aborted))
                    .Text("completed", EnumText.Of(RolloutState.Completed)).Text("rolledBack", EnumText.Of(RolloutState.RolledBack)),
                Map),
            cancellationToken).ConfigureAwait(false);
        if (updated is not null)
        {
            return new RolloutUpdateResult(RolloutUpdateStatus.Updated, updated);
        }

        var current = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return new RolloutUpdateResult(current is null ? RolloutUpdateStatus.NotFound : RolloutUpdateStatus.Conflict, current);
    }

    public async Task<bool> RecordDeviceResultAsync(string rolloutId, string deviceId, int wave, string outcome, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(rolloutId);
        var device = StoreGuard.Id(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegative(wave);
        var result = StoreGuard.Token(outcome);
        try
        {
            return await db.ExecuteAsync(
                "INSERT INTO rollout_results (rollout_id, device_id, wave, outcome, recorded) VALUES (@id, @device, @wave, @outcome, @now) " +
                "ON CONFLICT (rollout_id, device_id) DO UPDATE SET wave = excluded.wave, outcome = excluded.outcome, recorded = excluded.recorded",
                s => s.Text("id", id).Text("device", device).Int("wave", wave).Text("outcome", result).Time("now", db.Now()),
                cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (DbException ex) when (db.Dialect.IsForeignKeyViolation(ex))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<RolloutDeviceResult>> ListDeviceResultsAsync(string rolloutId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(rolloutId);
        var rows = await db.QueryAsync(
            "SELECT rollout_id, device_id, wave, outcome, recorded FROM rollout_results WHERE rollout_id = @id",
            s => s.Text("id", id),
            r => new RolloutDeviceResult(r.String(0), r.String(1), r.Int(2), r.String(3), r.Time(4)),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Wave).ThenBy(r => r.DeviceId, StringComparer.Ordinal)];
    }

    private static RolloutRecord Map(Row r) => new(
        r.String(0), r.String(1), r.String(2), EnumText.RolloutStateOf(r.String(3)), r.String(4),
        r.Int(5), r.NullableString(6), r.Int(7), r.Time(8), r.Time(9));
}
