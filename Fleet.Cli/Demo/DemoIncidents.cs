using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.Cli.Demo;

/// <summary>
/// The fleet supervisor's incidents as the demo's story lines: without them a fleet-wide rollback shows only as model
/// counts changing in the live line, with nothing saying why.
/// </summary>
internal sealed class DemoIncidents
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private bool _primed;

    /// <summary>Lines for the incidents raised since the last call (none the first time: earlier runs' incidents are history).</summary>
    public async Task<IReadOnlyList<string>> NewLinesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        JsonElement page;
        try
        {
            page = await http.GetFromJsonAsync<JsonElement>("/api/v1/incidents?limit=50", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var incident in page.GetProperty("items").EnumerateArray().Reverse())
        {
            if (incident.ValueKind == JsonValueKind.Object && incident.TryGetProperty("id", out var id) && _seen.Add(id.GetString() ?? "") && _primed)
            {
                lines.Add(Format(incident));
            }
        }

        _primed = true;
        return lines;
    }

    public static string Format(JsonElement incident)
    {
        var model = incident.TryGetProperty("modelId", out var modelId) && modelId.ValueKind == JsonValueKind.String ? $"{modelId.GetString()} " : "";
        var action = incident.GetProperty("action").GetString();
        var rolledBack = incident.TryGetProperty("rolledBackDevices", out var count) && count.GetInt32() > 0 && incident.TryGetProperty("rollbackTo", out var to) && to.ValueKind == JsonValueKind.String
            ? $": {count.GetInt32()} device(s) sent back to {to.GetString()}"
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"fleet incident: {incident.GetProperty("diagnosis").GetString()} heals on {incident.GetProperty("devices").GetInt32()} of the {incident.GetProperty("devicesOnVersion").GetInt32()} devices on {model}{incident.GetProperty("modelVersion").GetString()} ({incident.GetProperty("share").GetDouble():P0}); the supervisor's action: {action}{rolledBack}");
    }
}
