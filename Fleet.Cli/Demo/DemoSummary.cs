using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Fleet.Cli.Demo;

/// <summary>
/// One line of the demo's live view, from <c>/api/v1/fleet/summary</c> and the devices' last-seen times: counts are the
/// store's last word, so the line says how fresh it is (newest and oldest last-seen age of the online devices, how many
/// of them have been silent too long) and says so loudly when the gateway is not receiving at all.
/// </summary>
/// <param name="nodeLocal">
/// The API answering is one node of several (<c>fleet demo --nodes N</c>): its shard sessions and ingest counters are its
/// own share of the fleet's, so "not receiving" is not judged from them (the hand-off watcher asks the devices instead).
/// </param>
internal sealed class DemoSummary(bool nodeLocal = false)
{
    private long _received = -1;
    private DateTime _receivedChanged = CliClock.Time.GetUtcNow().UtcDateTime;

    /// <summary>An online device whose stored last-seen time (stamped by its messages at most once a minute) is older than this is shown as stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(90);

    public async Task<string> FetchLineAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            var summary = await http.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary", cancellationToken).ConfigureAwait(false);
            var devices = await http.GetFromJsonAsync<JsonElement>("/api/v1/devices?online=true&limit=1000", cancellationToken).ConfigureAwait(false);
            var now = CliClock.Time.GetUtcNow();
            var ages = devices.GetProperty("items").EnumerateArray()
                .Where(d => d.TryGetProperty("lastSeen", out var seen) && seen.ValueKind == JsonValueKind.String)
                .Select(d => now - d.GetProperty("lastSeen").GetDateTimeOffset())
                .ToList();
            var received = summary.TryGetProperty("ingest", out var ingest)
                ? ingest.GetProperty("reports").GetInt64() + ingest.GetProperty("telemetry").GetInt64() + ingest.GetProperty("events").GetInt64()
                : 0;
            if (received != _received)
            {
                (_received, _receivedChanged) = (received, CliClock.Time.GetUtcNow().UtcDateTime);
            }

            return Format(summary, ages, nodeLocal ? TimeSpan.Zero : CliClock.Time.GetUtcNow().UtcDateTime - _receivedChanged, CliClock.Time.GetLocalNow().DateTime, nodeLocal);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
        {
            return $"{CliClock.Time.GetLocalNow().DateTime:HH:mm:ss}  (summary unavailable: {ex.Message}) — nothing below this line is live until it is back";
        }
    }

    /// <summary>The line for <paramref name="summary"/> given the online devices' last-seen ages.</summary>
    /// <param name="quiet">How long the gateway has received nothing from any device.</param>
    /// <param name="nodeLocal">Whether the summary is one node's of several (its shard count says nothing about the fleet's ingest).</param>
    public static string Format(JsonElement summary, IReadOnlyList<TimeSpan> onlineAges, TimeSpan quiet, DateTime localNow, bool nodeLocal = false)
    {
        var line = new StringBuilder();
        var online = summary.GetProperty("online").GetInt32();
        var stale = onlineAges.Count(a => a > StaleAfter);
        if (!nodeLocal && summary.TryGetProperty("shardsConnected", out var shards) && shards.ValueKind == JsonValueKind.Number && shards.GetInt32() == 0 && summary.GetProperty("total").GetInt32() > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"{localNow:HH:mm:ss}  NOT RECEIVING (gateway has no broker session) — last known: ");
        }
        else if (quiet > TimeSpan.FromSeconds(15) && summary.GetProperty("total").GetInt32() > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"{localNow:HH:mm:ss}  NOTHING RECEIVED for {Age(quiet)} — last known: ");
        }
        else
        {
            line.Append(CultureInfo.InvariantCulture, $"{localNow:HH:mm:ss}  ");
        }

        line.Append(CultureInfo.InvariantCulture, $"devices {summary.GetProperty("total").GetInt32()}, online {online - stale}");

        // The list's last-seen time is stamped in the store at most once a minute per device (the twin keeps the exact
        // one), so a minute's age is normal for a device sending telemetry every window: say the bound, not a "last seen".
        if (onlineAges.Where(a => a <= StaleAfter).DefaultIfEmpty(TimeSpan.MinValue).Max() is var freshest && freshest != TimeSpan.MinValue)
        {
            line.Append(CultureInfo.InvariantCulture, $" (each seen in the last {Age(freshest)})");
        }

        if (stale > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" (+{stale} stale: silent > {StaleAfter.TotalSeconds:0} s, the oldest {Age(onlineAges.Max())})");
        }

        if (summary.TryGetProperty("byHealth", out var health))
        {
            line.Append("  |");
            foreach (var state in health.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                line.Append(CultureInfo.InvariantCulture, $" {state.Name} {state.Value.GetInt32()}");
            }
        }

        if (summary.TryGetProperty("byModelVersion", out var versions) && versions.ValueKind == JsonValueKind.Object)
        {
            line.Append("  | models");
            foreach (var version in versions.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                line.Append(CultureInfo.InvariantCulture, $" {version.Name}:{version.Value.GetInt32()}");
            }
        }

        if (summary.TryGetProperty("quarantined", out var quarantined) && quarantined.GetInt32() > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"  | quarantined {quarantined.GetInt32()}");
        }

        if (summary.TryGetProperty("ingest", out var ingest))
        {
            line.Append(CultureInfo.InvariantCulture, $"  | events {ingest.GetProperty("events").GetInt64()}, telemetry {ingest.GetProperty("telemetry").GetInt64()}{(nodeLocal ? " (ingested by the answering node)" : "")}");
        }

        return line.ToString();
    }

    private static string Age(TimeSpan age) =>
        age < TimeSpan.Zero ? "0 s"
        : age < TimeSpan.FromMinutes(2) ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0} min");
}
