using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Fleet.Cli.Demo;

/// <summary>One line of the demo's live view, from <c>/api/v1/fleet/summary</c>.</summary>
internal static class DemoSummary
{
    public static async Task<string> FetchLineAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            var summary = await http.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary", cancellationToken).ConfigureAwait(false);
            var line = new StringBuilder();
            line.Append(CultureInfo.InvariantCulture, $"{CliClock.Time.GetLocalNow():HH:mm:ss}  devices {summary.GetProperty("total").GetInt32()}, online {summary.GetProperty("online").GetInt32()}");
            if (summary.TryGetProperty("byHealth", out var health))
            {
                line.Append("  |");
                foreach (var state in health.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    line.Append(CultureInfo.InvariantCulture, $" {state.Name} {state.Value.GetInt32()}");
                }
            }

            if (summary.TryGetProperty("quarantined", out var quarantined) && quarantined.GetInt32() > 0)
            {
                line.Append(CultureInfo.InvariantCulture, $"  | quarantined {quarantined.GetInt32()}");
            }

            if (summary.TryGetProperty("ingest", out var ingest))
            {
                line.Append(CultureInfo.InvariantCulture, $"  | events {ingest.GetProperty("events").GetInt64()}, telemetry {ingest.GetProperty("telemetry").GetInt64()}");
            }

            return line.ToString();
        }
        catch (HttpRequestException ex)
        {
            return $"{CliClock.Time.GetLocalNow():HH:mm:ss}  (summary unavailable: {ex.Message})";
        }
    }
}
