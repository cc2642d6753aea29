using Fleet.Gateway.Store.Distillation;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlDistillationStore(StoreDatabase db) : IDistillationStore
{
    private const string Columns =
        "id, model_id, from_version, teacher_version, new_version, started_by, state, progress, insight_ids, metrics, error, started, updated, finished";

    public async Task<bool> CreateAsync(NewDistillation job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var id = StoreGuard.Id(job.Id, nameof(job));
        var modelId = StoreGuard.Id(job.ModelId, nameof(job));
        var from = StoreGuard.Id(job.FromVersion, nameof(job));
        var teacher = StoreGuard.Id(job.TeacherVersion, nameof(job));
        var newVersion = StoreGuard.Id(job.NewVersion, nameof(job));
        var startedBy = StoreGuard.Text(job.StartedBy, nameof(job));
        var progress = StoreGuard.Json(job.ProgressJson, nameof(job));
        var now = db.Now();
        return await db.ExecuteAsync(
            "INSERT INTO distillations (" + Columns + ") VALUES " +
            "(@id, @modelId, @from, @teacher, @newVersion, @startedBy, @state, @progress, @insights, NULL, NULL, @now, @now, NULL) ON CONFLICT (id) DO NOTHING",
            s => s.Text("id", id).Text("modelId", modelId).Text("from", from).Text("teacher", teacher).Text("newVersion", newVersion)
                .Text("startedBy", startedBy).Text("state", Of(DistillationState.Running)).Json("progress", progress).Json("insights", "[]").Time("now", now),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<DistillationRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(jobId);
        return db.QuerySingleAsync("SELECT " + Columns + " FROM distillations WHERE id = @id", s => s.Text("id", id), Map, cancellationToken);
    }

    public async Task<IReadOnlyList<DistillationRecord>> ListAsync(IReadOnlyCollection<DistillationState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        var names = states.Distinct().Select(Of).ToList();
        var filter = names.Count == 0 ? "" : " WHERE state IN (" + string.Join(", ", names.Select((_, i) => "@s" + i)) + ")";
        var rows = await db.QueryAsync(
            "SELECT " + Columns + " FROM distillations" + filter,
            s =>
            {
                for (var i = 0; i < names.Count; i++)
                {
                    s.Text("s" + i, names[i]);
                }
            },
            Map,
            cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(r => r.Started).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    public Task<DistillationRecord?> UpdateAsync(string jobId, DistillationChange change, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(jobId);
        ArgumentNullException.ThrowIfNull(change);
        var state = Of(change.State);
        var progress = StoreGuard.Json(change.ProgressJson, nameof(change));
        var insights = StoreGuard.Json(change.InsightIdsJson, nameof(change));
        var metrics = change.MetricsJson is null ? null : StoreGuard.Json(change.MetricsJson, nameof(change));
        var error = StoreGuard.OptionalText(change.Error, nameof(change));
        var now = db.Now();
        DateTimeOffset? finished = change.State == DistillationState.Running ? null : now;
        return db.WriteAsync(
            scope => StoreDatabase.QuerySingleAsync(
                scope,
                "UPDATE distillations SET state = @state, progress = @progress, insight_ids = @insights, metrics = @metrics, error = @error, " +
                "updated = @now, finished = @finished WHERE id = @id AND state = @running RETURNING " + Columns,
                s => s.Text("id", id).Text("state", state).Json("progress", progress).Json("insights", insights).Json("metrics", metrics)
                    .Text("error", error).Time("now", now).Time("finished", finished).Text("running", Of(DistillationState.Running)),
                Map),
            cancellationToken);
    }

    private static string Of(DistillationState state) => state switch
    {
        DistillationState.Running => "running",
        DistillationState.Succeeded => "succeeded",
        DistillationState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown distillation state"),
    };

    private static DistillationState StateOf(string text) => text switch
    {
        "running" => DistillationState.Running,
        "succeeded" => DistillationState.Succeeded,
        "failed" => DistillationState.Failed,
        _ => throw new InvalidOperationException($"stored distillation state '{text}' is unknown"),
    };

    private static DistillationRecord Map(Row r) => new(
        r.String(0), r.String(1), r.String(2), r.String(3), r.String(4), r.String(5), StateOf(r.String(6)), r.String(7), r.String(8),
        r.NullableString(9), r.NullableString(10), r.Time(11), r.Time(12), r.NullableTime(13));
}
