using System.Diagnostics;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Sqlite;
using Fleet.Gateway.Store.Twins;
using Microsoft.Data.Sqlite;

namespace Fleet.Bench.Store;

/// <summary>
/// The embedded SQLite store against raw Microsoft.Data.Sqlite doing the same inserts on one prepared
/// command and one open connection (the floor: no validation, no pooling round trip, no write gate).
/// </summary>
internal sealed class StoreBench : IBenchSuite
{
    private const string RungsJson = """[{"rung":"restoreTensors","validation":"pass","durationMs":3.1}]""";

    public string Name => "store";

    public string Description => "SQLite fleet store: heal-event appends (1 and 8 writers), reports, listings vs raw SQLite inserts";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var appends = context.Scaled(20_000, 500);
        var result = new BenchResult().Add("appends", appends);

        await RawInsertsPerSecondAsync(Path.Combine(context.ScratchDirectory, "warm.db"), 500, cancellationToken);
        var baseline = await RawInsertsPerSecondAsync(Path.Combine(context.ScratchDirectory, "raw.db"), appends, cancellationToken);
        context.Progress.WriteLine($"raw SQLite inserts: {baseline:F0}/s");
        result.Add("raw_sqlite_inserts_per_s", baseline);

        await using var store = await SqliteFleetStore.OpenAsync(new SqliteStoreOptions(Path.Combine(context.ScratchDirectory, "fleet.db")), TimeProvider.System, cancellationToken);
        var t0 = DateTimeOffset.UtcNow;
        for (var i = 0; i < 500; i++)
        {
            await store.HealEvents.AppendAsync(Heal("warm-up", i, t0), cancellationToken);
        }

        var single = await PerSecondAsync(appends, async () =>
        {
            for (var i = 0; i < appends; i++)
            {
                await store.HealEvents.AppendAsync(Heal("solo", i, t0), cancellationToken);
            }
        });
        context.Progress.WriteLine($"store appends, 1 writer: {single:F0}/s");
        result.Add("store_appends_1_writer_per_s", single).Add("store_vs_raw_1_writer", single / baseline);

        var eight = await PerSecondAsync(appends, () => Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < appends; i += 8)
            {
                await store.HealEvents.AppendAsync(Heal($"w{w}", i, t0), cancellationToken);
            }
        }, cancellationToken))));
        context.Progress.WriteLine($"store appends, 8 writers: {eight:F0}/s");
        result.Add("store_appends_8_writers_per_s", eight).Add("store_vs_raw_8_writers", eight / baseline);

        var devices = context.Scaled(2_000, 100);
        for (var d = 0; d < devices; d++)
        {
            await store.Devices.TryAddAsync(new DeviceRegistration($"dev-{d:D5}", d % 64, CredentialKind.Password), cancellationToken);
        }

        var reports = await PerSecondAsync(appends, async () =>
        {
            for (var i = 0; i < appends; i++)
            {
                await store.Twins.SetReportedAsync($"dev-{i % devices:D5}", new ReportedUpdate("""{"health":"healthy"}""", 1, i, "healthy", "m", "1.0.0"), cancellationToken);
            }
        });
        context.Progress.WriteLine($"store reported-state writes: {reports:F0}/s");
        result.Add("store_reports_per_s", reports);

        var pages = context.Scaled(2_000, 50);
        var listing = await PerSecondAsync(pages, async () =>
        {
            string? cursor = null;
            for (var i = 0; i < pages; i++)
            {
                cursor = (await store.Devices.ListAsync(new DeviceQuery(Limit: 100, After: cursor, Health: "healthy"), cancellationToken)).NextCursor;
            }
        });
        context.Progress.WriteLine($"store device pages of 100: {listing:F0}/s");
        result.Add("store_device_pages_of_100_per_s", listing);
        return result;
    }

    private static HealEventRecord Heal(string device, int i, DateTimeOffset t0) =>
        new(device, $"h-{i}", t0.AddMilliseconds(i), "hardware", "digest", RungsJson, "restoreTensors", "healed", "1.2.0");

    private static async Task<double> PerSecondAsync(int operations, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return operations / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> RawInsertsPerSecondAsync(string path, int count, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(cancellationToken);
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText =
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " +
                "CREATE TABLE heal_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, event_id TEXT NOT NULL, occurred INTEGER NOT NULL, " +
                "diagnosis TEXT NOT NULL, trigger_kind TEXT NOT NULL, rungs TEXT NOT NULL, remediation TEXT, outcome TEXT NOT NULL, model_version TEXT NOT NULL, " +
                "UNIQUE (device_id, event_id))";
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText =
            "INSERT INTO heal_events (device_id, event_id, occurred, diagnosis, trigger_kind, rungs, remediation, outcome, model_version) " +
            "VALUES ('raw', @e, @t, 'hardware', 'digest', @r, 'restoreTensors', 'healed', '1.2.0') ON CONFLICT DO NOTHING";
        var eventId = insert.Parameters.Add("@e", SqliteType.Text);
        var time = insert.Parameters.Add("@t", SqliteType.Integer);
        insert.Parameters.AddWithValue("@r", RungsJson);
        insert.Prepare();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            eventId.Value = $"h-{i}";
            time.Value = i;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
