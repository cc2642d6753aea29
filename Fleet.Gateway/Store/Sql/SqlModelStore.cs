using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Fleet.Gateway.Store.Models;

namespace Fleet.Gateway.Store.Sql;

internal sealed class SqlModelStore(StoreDatabase db) : IModelStore
{
    private const string Columns =
        "model_id, version, sha256, signature, parent_version, golden_set_ref, metrics, card, artifact_path, artifact IS NOT NULL, golden_set IS NOT NULL, created";

    public async Task<ModelAddStatus> AddAsync(NewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var modelId = StoreGuard.Id(model.ModelId, nameof(model));
        var version = StoreGuard.Id(model.Version, nameof(model));
        var sha256 = StoreGuard.Token(model.Sha256, nameof(model));
        var signature = StoreGuard.OptionalText(model.Signature, nameof(model));
        var parent = StoreGuard.OptionalId(model.ParentVersion, nameof(model));
        var golden = StoreGuard.OptionalText(model.GoldenSetRef, nameof(model));
        var metrics = StoreGuard.Json(model.MetricsJson, nameof(model));
        var card = StoreGuard.Json(model.CardJson, nameof(model));
        var path = StoreGuard.OptionalText(model.ArtifactPath, nameof(model));
        var artifact = model.Artifact is { } bytes ? Artifact(bytes, nameof(model)) : null;
        var goldenSet = GoldenSet(model.GoldenSetJson, nameof(model));

        if (parent == version)
        {
            throw new ArgumentException("a model version cannot be its own parent", nameof(model));
        }

        try
        {
            var added = await db.ExecuteAsync(
                "INSERT INTO models (model_id, version, sha256, signature, parent_version, golden_set_ref, metrics, card, artifact_path, artifact, golden_set, created) " +
                "VALUES (@modelId, @version, @sha256, @signature, @parent, @golden, @metrics, @card, @path, @artifact, @goldenSet, @now) " +
                "ON CONFLICT (model_id, version) DO NOTHING",
                s => s.Text("modelId", modelId).Text("version", version).Text("sha256", sha256).Text("signature", signature)
                    .Text("parent", parent).Text("golden", golden).Json("metrics", metrics).Json("card", card).Text("path", path)
                    .Bytes("artifact", artifact).Text("goldenSet", goldenSet).Time("now", db.Now()),
                cancellationToken).ConfigureAwait(false);
            return added == 1 ? ModelAddStatus.Added : ModelAddStatus.AlreadyExists;
        }
        catch (DbException ex) when (db.Dialect.IsForeignKeyViolation(ex))
        {
            return ModelAddStatus.ParentMissing;
        }
    }

    public Task<ModelRecord?> GetAsync(string modelId, string version, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);
        return db.QuerySingleAsync(
            "SELECT " + Columns + " FROM models WHERE model_id = @modelId AND version = @version",
            s => s.Text("modelId", id).Text("version", v),
            Map,
            cancellationToken);
    }

    public async Task<IReadOnlyList<ModelRecord>> ListVersionsAsync(string modelId, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var rows = await db.QueryAsync(
            "SELECT " + Columns + " FROM models WHERE model_id = @modelId",
            s => s.Text("modelId", id),
            Map,
            cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(m => m.Created).ThenByDescending(m => m.Version, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<string>> ListModelIdsAsync(CancellationToken cancellationToken) =>
        await db.QueryAsync("SELECT DISTINCT model_id FROM models ORDER BY model_id", _ => { }, r => r.String(0), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<ModelRecord>> GetLineageAsync(string modelId, string version, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);

        // Parents are registered before their children and rows never change lineage, so the walk
        // cannot cycle; the depth bound only guards against a hand-edited database.
        return await db.QueryAsync(
            "WITH RECURSIVE lineage (model_id, version, parent_version, depth) AS (" +
            " SELECT model_id, version, parent_version, 0 FROM models WHERE model_id = @modelId AND version = @version" +
            " UNION ALL" +
            " SELECT m.model_id, m.version, m.parent_version, l.depth + 1 FROM models m" +
            " JOIN lineage l ON m.model_id = l.model_id AND m.version = l.parent_version WHERE l.depth < 10000)" +
            " SELECT m.model_id, m.version, m.sha256, m.signature, m.parent_version, m.golden_set_ref, m.metrics, m.card, m.artifact_path," +
            " m.artifact IS NOT NULL, m.golden_set IS NOT NULL, m.created FROM lineage l JOIN models m ON m.model_id = l.model_id AND m.version = l.version ORDER BY l.depth",
            s => s.Text("modelId", id).Text("version", v),
            Map,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> SetMetricsAsync(string modelId, string version, string metricsJson, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);
        var metrics = StoreGuard.Json(metricsJson);
        return await db.ExecuteAsync(
            "UPDATE models SET metrics = @metrics WHERE model_id = @modelId AND version = @version",
            s => s.Text("modelId", id).Text("version", v).Json("metrics", metrics),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<byte[]?> GetArtifactAsync(string modelId, string version, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);
        var rows = await db.QueryAsync(
            "SELECT artifact FROM models WHERE model_id = @modelId AND version = @version AND artifact IS NOT NULL",
            s => s.Text("modelId", id).Text("version", v),
            r => r.Bytes(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<string?> GetGoldenSetAsync(string modelId, string version, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);
        var rows = await db.QueryAsync(
            "SELECT golden_set FROM models WHERE model_id = @modelId AND version = @version AND golden_set IS NOT NULL",
            s => s.Text("modelId", id).Text("version", v),
            r => r.String(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> ImportArtifactAsync(string modelId, string version, ReadOnlyMemory<byte> artifact, string? goldenSetJson, CancellationToken cancellationToken)
    {
        var id = StoreGuard.Id(modelId);
        var v = StoreGuard.Id(version);
        var bytes = Artifact(artifact, nameof(artifact));
        var goldenSet = GoldenSet(goldenSetJson, nameof(goldenSetJson));

        // Only while the artifact is not in the store yet: nodes importing the same file at start agree, the first wins.
        return await db.ExecuteAsync(
            "UPDATE models SET artifact = @artifact, golden_set = COALESCE(@goldenSet, golden_set), artifact_path = NULL, golden_set_ref = NULL " +
            "WHERE model_id = @modelId AND version = @version AND artifact IS NULL",
            s => s.Text("modelId", id).Text("version", v).Bytes("artifact", bytes).Text("goldenSet", goldenSet),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The artifact as the array the driver binds: the caller's own array when the memory spans all of it (no copy of up to 64 MiB).</summary>
    private static byte[] Artifact(ReadOnlyMemory<byte> artifact, string name)
    {
        if (artifact.Length is 0 or > StoreLimits.MaxArtifactBytes)
        {
            throw new ArgumentException($"an artifact must be 1 to {StoreLimits.MaxArtifactBytes} bytes (got {artifact.Length})", name);
        }

        return MemoryMarshal.TryGetArray(artifact, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : artifact.ToArray();
    }

    private static string? GoldenSet(string? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(json, name);
        if (json.Length > StoreLimits.MaxGoldenSetBytes || Encoding.UTF8.GetByteCount(json) > StoreLimits.MaxGoldenSetBytes)
        {
            throw new ArgumentException($"golden set larger than {StoreLimits.MaxGoldenSetBytes} bytes", name);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("golden set is not valid JSON: " + ex.Message, name, ex);
        }

        return json;
    }

    private static ModelRecord Map(Row r) => new(
        r.String(0), r.String(1), r.String(2), r.NullableString(3), r.NullableString(4), r.NullableString(5),
        r.String(6), r.String(7), r.NullableString(8), r.Bool(9), r.Bool(10), r.Time(11));
}
