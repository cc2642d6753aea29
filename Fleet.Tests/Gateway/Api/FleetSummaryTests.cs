using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Api;

/// <summary>The fleet summary counts each device once, in the state the dashboard draws it in (its own gateway, so counts are exact).</summary>
public sealed class FleetSummaryTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Summary_CountsAnOfflineDeviceUnderOffline_NotUnderItsLastHealth_LikeTheDashboard()
    {
        await using var stays = await TestDevice.ConnectAsync(gateway.BrokerPort, "summary-stays");
        await using var leaves = await TestDevice.ConnectAsync(gateway.BrokerPort, "summary-leaves");
        foreach (var device in new[] { stays, leaves })
        {
            await device.StatusAsync();
            await device.ReportAsync(health: "healthy");
        }

        await SummaryWhenAsync(s => Count(s, "healthy") == 2, "two healthy devices");

        await leaves.StatusAsync(online: false);

        var summary = await SummaryWhenAsync(s => Count(s, "offline") == 1, "one offline device");
        Assert.Equal(1, Count(summary, "healthy"));
        Assert.Equal(1, summary.GetProperty("online").GetInt32());

        // The dashboard derives each device's state from the device list (quarantine, then presence, then health);
        // the summary must agree with it device for device.
        var list = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/devices?limit=1000");
        var dashboard = list.GetProperty("items").EnumerateArray()
            .GroupBy(DashboardState)
            .ToDictionary(g => g.Key, g => g.Count());
        var byHealth = summary.GetProperty("byHealth").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(dashboard.OrderBy(p => p.Key), byHealth.OrderBy(p => p.Key));
    }

    /// <summary>wwwroot/fleet.js <c>stateOf</c>, without its display grouping of unhealable under degraded.</summary>
    private static string DashboardState(JsonElement device) =>
        device.GetProperty("quarantined").GetBoolean() ? "quarantined"
        : !device.GetProperty("online").GetBoolean() ? "offline"
        : device.GetProperty("health").GetString() ?? "unknown";

    private static int Count(JsonElement summary, string state) =>
        summary.GetProperty("byHealth").TryGetProperty(state, out var count) ? count.GetInt32() : 0;

    private async Task<JsonElement> SummaryWhenAsync(Func<JsonElement, bool> condition, string what)
    {
        var found = await Eventually.ValueAsync<string>(async () =>
        {
            var summary = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary");
            return condition(summary) ? summary.GetRawText() : null;
        }, what);
        return JsonDocument.Parse(found).RootElement;
    }
}
