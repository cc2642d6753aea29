using System.Net;
using System.Net.Http.Json;
using Fleet.Tests.Gateway.Infrastructure;
using OpenQA.Selenium;

namespace Fleet.Tests.Dashboard;

/// <summary>What the device page tells an operator: desired state apart from status, actions that fit the state, and no page for what does not exist.</summary>
public sealed class DevicePageTests(DashboardFixture dashboard) : IClassFixture<DashboardFixture>
{
    private Browser Browser => dashboard.Browser;

    private GatewayFixture Gateway => dashboard.Gateway;

    [Fact]
    public async Task InSyncDevice_ShowsNoDifference_AndItsDesiredColumnHoldsOnlyDesiredState()
    {
        var id = "page-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "degraded");
        await Gateway.DeviceWhenAsync(id, _ => true, "the device");
        Assert.Equal(HttpStatusCode.OK, (await Gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = 0, thresholds = new { klMax = 0.3 } })).StatusCode);
        await device.PublishAsync(Fleet.Shared.Protocol.TopicKind.Report, new System.Text.Json.Nodes.JsonObject
        {
            ["desiredVersion"] = 1,
            ["model"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "vocoder", ["version"] = "1.0.0", ["source"] = "active" },
            ["health"] = "degraded",
            ["thresholds"] = new System.Text.Json.Nodes.JsonObject { ["klMax"] = 0.3 },
        }, retain: true);
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("delta").GetProperty("inSync").GetBoolean(), "the device in sync");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        Browser.WaitFor("return document.getElementById('device-state')?.dataset.state === 'degraded' && !!document.querySelector('#delta-box p.ok')", "the device page in sync");

        Assert.Empty(Browser.Driver.FindElements(By.CssSelector("#delta tr.diff")));
        var desiredRows = Browser.Driver.FindElements(By.CssSelector("#delta tr th")).Select(th => th.Text).Where(t => t.Length > 0).ToList();
        Assert.DoesNotContain("Health", desiredRows);
        Assert.DoesNotContain("Online", desiredRows);
        Assert.DoesNotContain("Quarantined", desiredRows);
        Assert.Contains("KL max", desiredRows);
        Assert.Contains("ago", Browser.Driver.FindElement(By.CssSelector("#device-status [data-fact='Last seen']")).Text, StringComparison.Ordinal);
        Assert.Contains("degraded", Browser.Driver.FindElement(By.CssSelector("#device-status [data-fact='Health']")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineAndRelease_AreEnabledOnlyWhenTheyApply()
    {
        var id = "page-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync();
        await Gateway.DeviceWhenAsync(id, _ => true, "the device");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        Browser.WaitFor("return document.getElementById('device-state')?.dataset.state === 'healthy'", "the device page");
        Browser.WaitFor("""return !document.querySelector("[data-action='quarantine']").disabled && document.querySelector("[data-action='release']").disabled""", "quarantine on, release off");

        Assert.Equal(HttpStatusCode.OK, (await Gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/quarantine", new { reason = "test" })).StatusCode);

        Browser.WaitFor("""return document.querySelector("[data-action='quarantine']").disabled && !document.querySelector("[data-action='release']").disabled""", "quarantine off, release on");
    }

    [Fact]
    public void UnknownDevice_IsAPlainNoSuchDevicePage_WithoutActionsOrFurtherRequests()
    {
        Browser.ConsoleLog();
        var id = "ghost-" + Guid.NewGuid().ToString("N")[..8];

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        var page = Browser.WaitForElement("#no-device", "the no-such-device page");

        Assert.Contains("No such device", page.Text, StringComparison.Ordinal);
        Assert.Empty(Browser.Driver.FindElements(By.CssSelector("#actions button")));
        Assert.Empty(Browser.Driver.FindElements(By.Id("sparks")));
        var notFound = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe && e.Message.Contains("404", StringComparison.Ordinal)).ToList();
        Assert.True(notFound.Count <= 1, "404s: " + string.Join(" | ", notFound.Select(e => e.Message)));
    }

    [Fact]
    public async Task HealTimeline_ShowsWhenTheDeviceHealed_AndWhenTheGatewayReceivedIt()
    {
        var id = "page-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync();
        await device.PublishAsync(Fleet.Shared.Protocol.TopicKind.Events, new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "heal", ["id"] = "h-late", ["diagnosis"] = "hardware", ["trigger"] = "digest", ["outcome"] = "healed", ["ts"] = "2026-11-22T04:33:26Z",
        });
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("heals").GetArrayLength() == 1, "the heal");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        var heal = Browser.WaitForElement("#heals li.heal", "the heal timeline");

        Assert.Equal("2026-11-22T04:33:26+00:00", heal.FindElement(By.CssSelector("[data-healed]")).GetAttribute("data-healed"));
        Assert.False(string.IsNullOrEmpty(heal.FindElement(By.CssSelector("[data-received]")).GetAttribute("data-received")));
        Assert.Contains("device clock", heal.Text, StringComparison.Ordinal);
    }
}
