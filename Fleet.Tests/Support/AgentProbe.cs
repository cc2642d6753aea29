using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>Waits on the gateway's API for what real agents do, failing with the agent's output when they do not.</summary>
internal static class AgentProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The device's detail (<c>GET /api/v1/devices/{id}</c>) once it satisfies <paramref name="condition"/>.</summary>
    public static async Task<JsonElement> DeviceWhenAsync(HttpClient reader, AgentProcess agent, string id, Func<JsonElement, bool> condition, string what) =>
        await WhenAsync(reader, $"/api/v1/devices/{id}", condition, $"{id}: {what}", agent.ThrowIfExited, agent.Log);

    /// <summary>The answer of <c>GET <paramref name="path"/></c> once it satisfies <paramref name="condition"/>; fails at once when the agent exited.</summary>
    public static async Task<JsonElement> WhenAsync(HttpClient reader, string path, Func<JsonElement, bool> condition, string what, Action throwIfExited, Func<string> log)
    {
        string? last = null;
        try
        {
            var found = await Eventually.ValueAsync<string>(async () =>
            {
                throwIfExited();
                var response = await reader.GetAsync(path);
                last = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                var body = JsonDocument.Parse(last).RootElement;
                return condition(body) ? body.GetRawText() : null;
            }, what, Timeout);
            return JsonDocument.Parse(found).RootElement;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast answer: {last}\nagent log tail:\n{log()}", ex);
        }
    }

    /// <summary>The twin part of a device detail, when the device has one.</summary>
    public static JsonElement? Twin(JsonElement detail) =>
        detail.TryGetProperty("twin", out var twin) && twin.ValueKind == JsonValueKind.Object ? twin : null;

    /// <summary>Online and reporting the reference vocoder (what a started agent does first).</summary>
    public static bool OnlineWithVocoder(JsonElement detail) =>
        Twin(detail) is { } t
        && t.GetProperty("online").GetBoolean()
        && t.GetProperty("reported").ValueKind == JsonValueKind.Object
        && t.GetProperty("reported").GetProperty("model").GetProperty("id").GetString() == "vocoder";

    /// <summary>The device reported a desired version at least <paramref name="version"/> (applied, or refused with a reason).</summary>
    public static bool ReportedDesired(JsonElement detail, int version) =>
        Twin(detail) is { } t
        && t.GetProperty("reported").ValueKind == JsonValueKind.Object
        && t.GetProperty("reported").TryGetProperty("desiredVersion", out var reported)
        && reported.ValueKind == JsonValueKind.Number && reported.GetInt32() >= version;
}
