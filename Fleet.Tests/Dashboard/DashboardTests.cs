using Fleet.Gateway.Api.Events;
using Fleet.Gateway.Supervision;
using Fleet.Tests.Gateway.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using Xunit.Abstractions;
using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;

namespace Fleet.Tests.Dashboard;

/// <summary>The dashboard in a real (headless) browser against a real gateway, with devices speaking MQTT.</summary>
public sealed class DashboardTests(DashboardFixture dashboard, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private Browser Browser => dashboard.Browser;

    private GatewayFixture Gateway => dashboard.Gateway;

    [Fact]
    public void Page_LoadsAndGoesLive_WithoutConsoleErrors()
    {
        Browser.Driver.Navigate().Refresh();
        Browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream after a reload");
        Browser.WaitForElement("#grid", "the heatmap");
        Browser.WaitForElement("#counts .total", "the device count");

        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();

        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task Device_ReportingDegraded_ShowsDegradedInTheGrid_ThenHealthyAfterItHeals()
    {
        var id = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        ShowOverviewFilteredTo(id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "degraded");

        WaitForRow(id, "degraded");
        Assert.Equal("rgb(217,69,59)", FirstCellColour());
        output.WriteLine("screenshot: " + Browser.Screenshot("overview-degraded"));

        await device.ReportAsync(health: "healthy");

        WaitForRow(id, "healthy");
        Assert.Equal("rgb(46,158,91)", FirstCellColour());
        Browser.Driver.FindElement(By.Id("search")).Clear();
        Browser.Driver.ExecuteScript("document.getElementById('search').dispatchEvent(new Event('input'))");
        output.WriteLine("screenshot: " + Browser.Screenshot("overview"));
    }

    [Fact]
    public async Task IngressPage_ListsARejectedMessage_WithItsCause_AndShowsNoHeldShard()
    {
        var id = "dash-r-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.PublishAsync(Fleet.Shared.Protocol.TopicKind.Report, new System.Text.Json.Nodes.JsonObject { ["v"] = 1, ["seq"] = 1, ["health"] = "gremlins" });

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/rejections"));
        Browser.WaitFor($"return document.querySelector('#rejections tr[data-device={Browser.Quote(id)}]')?.dataset.cause === 'protocol'", "the rejected report listed", TimeSpan.FromSeconds(30));
        var row = Browser.Driver.FindElement(By.CssSelector($"#rejections tr[data-device='{id}']"));
        Assert.Contains("report", row.Text, StringComparison.Ordinal);
        Assert.Contains("gremlins", row.Text, StringComparison.Ordinal);
        Browser.WaitForElement("#no-held-shards", "the ingress panel saying no shard is held");

        Browser.Driver.FindElement(By.Id("rejection-cause")).SendKeys("twinFailed");
        Browser.WaitFor($"return !document.querySelector('#rejections tr[data-device={Browser.Quote(id)}]')", "the cause filter to hide it");
        output.WriteLine("screenshot: " + Browser.Screenshot("ingress"));
        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/"));
    }

    [Fact]
    public async Task ClusterPage_ListsThisNode_AndColoursANewDevicesShardByIt()
    {
        var id = "dash-c-" + Guid.NewGuid().ToString("N")[..8];
        var shard = Fleet.Shared.Protocol.Sharding.ShardOf(id, 64);
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healthy");
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/cluster"));
        var self = Browser.WaitForElement("#member-rows tr[data-self]", "this node in the member list");
        var node = self.GetAttribute("data-node") ?? "";
        Assert.Equal("up", self.GetAttribute("data-status"));
        Assert.Contains("this node, leader, oldest (singletons)", self.Text, StringComparison.Ordinal);
        Assert.Equal("active", Browser.Driver.FindElement(By.CssSelector("[data-nav='cluster']")).GetAttribute("class"));

        Browser.WaitFor($"return document.querySelector('#device-shards [data-shard=\"{shard}\"]')?.dataset.node === {Browser.Quote(node)}", "the device's shard coloured by this node", TimeSpan.FromSeconds(30));
        Browser.WaitFor($"const cells = [...document.querySelectorAll('#ingress-shards .shard-cell')]; return cells.length === 64 && cells.every(c => c.dataset.node === {Browser.Quote(node)})", "every ingress session coloured by this node", TimeSpan.FromSeconds(30));
        var cell = Browser.Driver.FindElement(By.CssSelector($"#device-shards [data-shard='{shard}']"));
        Assert.Contains("twin", cell.GetAttribute("title"), StringComparison.Ordinal);
        var perNode = Browser.Driver.FindElement(By.CssSelector("#node-shards tr[data-node]"));
        Assert.Equal(node, perNode.GetAttribute("data-node"));
        output.WriteLine("screenshot: " + Browser.Screenshot("cluster"));
        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/"));
    }

    [Fact]
    public async Task ClickingADevicesCell_OpensItsPage()
    {
        var id = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        ShowOverviewFilteredTo(id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healing");
        WaitForRow(id, "healing");
        FirstCellColour();

        var grid = Browser.Driver.FindElement(By.Id("grid"));
        new Actions(Browser.Driver).MoveToElement(grid, -grid.Size.Width / 2 + 4, -grid.Size.Height / 2 + 4).Click().Perform();

        Browser.WaitFor($"return location.hash === {Browser.Quote("#/devices/" + id)} && document.getElementById('device-state')?.dataset.state === 'healing'", "the device page");
    }

    [Fact]
    public async Task RestartAction_IsConfirmed_ThenRoundTripsToTheDevice()
    {
        var id = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healthy");
        await device.TelemetryAsync(kl: 0.05);
        await device.HealAsync("h-1", "healed");
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("heals").GetArrayLength() == 1, "the heal to be stored");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        Browser.WaitFor("return document.getElementById('device-state')?.dataset.state === 'healthy'", "the device page");
        Browser.WaitForElement("#heals li.heal", "the heal timeline");
        Browser.Driver.FindElement(By.CssSelector("[data-action='restartModel']")).Click();
        Browser.WaitFor("return document.getElementById('confirm').open", "the confirmation dialog");
        Assert.Empty(device.Commands);
        Browser.Driver.FindElement(By.Id("confirm-ok")).Click();

        Browser.WaitFor("return document.getElementById('action-result').dataset.outcome === 'ok'", "the command's answer");
        Assert.Contains("restartModel", Browser.Driver.FindElement(By.Id("action-result")).Text, StringComparison.Ordinal);
        Assert.Contains(device.Commands, c => c.Name == "restartModel");
        output.WriteLine("screenshot: " + Browser.Screenshot("device"));
    }

    [Fact]
    public async Task SetDesiredModel_FromTheDevicePage_ReachesTheDevice_AndShowsAsADelta()
    {
        var id = "dash-" + Guid.NewGuid().ToString("N")[..8];
        var model = "voc-" + Guid.NewGuid().ToString("N")[..6];
        await Gateway.PushModelAsync(model, "1.0.0");
        await Gateway.PushModelAsync(model, "1.1.0", parent: "1.0.0");
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healthy", modelId: model, modelVersion: "1.0.0");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        Browser.WaitFor("return document.getElementById('device-state')?.dataset.state === 'healthy'", "the device page");
        Browser.Driver.FindElement(By.CssSelector("[data-action='setDesired']")).Click();
        Browser.WaitFor("return document.getElementById('confirm').open", "the confirmation dialog");
        var modelField = Browser.Driver.FindElement(By.CssSelector("[data-field='model']"));
        modelField.Clear();
        modelField.SendKeys(model);
        Browser.Driver.FindElement(By.CssSelector("[data-field='version']")).SendKeys("1.1.0");
        Browser.Driver.FindElement(By.Id("confirm-ok")).Click();

        Browser.WaitFor("return document.getElementById('action-result').dataset.outcome === 'ok'", "the desired state to be written");
        await Eventually.TrueAsync(() => device.Desired.Any(d => d.Model?.Version == "1.1.0"), "the desired state on the device");
        Browser.WaitFor("return [...document.querySelectorAll('#delta tr.diff th')].some(th => th.textContent === 'Model version')", "the model version delta to be highlighted");
    }

    [Fact]
    public async Task ModelsPage_ListsVersionsWithTheirLineage()
    {
        var model = "lin-" + Guid.NewGuid().ToString("N")[..6];
        await Gateway.PushModelAsync(model, "1.0.0");
        await Gateway.PushModelAsync(model, "1.1.0", parent: "1.0.0");
        await Gateway.PushModelAsync(model, "1.2.0", parent: "1.1.0");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/models"));

        var row = Browser.WaitForElement($"[data-model='{model}@1.2.0']", "the model list");
        Assert.Contains("← 1.1.0 ← 1.0.0", row.Text, StringComparison.Ordinal);
        Assert.Contains("root", Browser.Driver.FindElement(By.CssSelector($"[data-model='{model}@1.0.0']")).Text, StringComparison.Ordinal);
        Browser.WaitForElement("#no-rollouts, #rollouts .rollout-list", "the rollouts panel to load");

        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public void Incident_OnTheLiveFeed_ShowsInTheBanner()
    {
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/"));
        Browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream");
        var version = "9." + Random.Shared.Next(1000) + ".0";
        var incident = new FleetIncident("inc-" + version, DateTimeOffset.UtcNow, "weightCorruption", "vocoder", version, 12, 20, 0.6, "rollback", "1.0.0", 12);

        Gateway.Host.Services.GetRequiredService<FleetEventFeed>().Publish(new IncidentRaised(incident));

        Browser.WaitFor($"return document.getElementById('incidents').textContent.includes('weightCorruption on vocoder {version}: 12/20 devices → rollback to 1.0.0')", "the incident banner");
        Assert.True(Browser.Driver.FindElement(By.Id("incidents")).Displayed);
    }

    [Fact]
    public async Task ReadOnlyToken_SeesTheDevice_ButCannotAct()
    {
        var id = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healthy");
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("health").GetString() == "healthy", "the report");
        var driver = Browser.Driver;
        try
        {
            driver.ExecuteScript("localStorage.setItem('fleet.token', arguments[0])", Gateway.Host.ReaderToken);
            driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
            driver.Navigate().Refresh();
            Browser.WaitFor("return document.getElementById('device-state')?.dataset.state === 'healthy'", "the device page with a read token");

            Assert.Contains("read only", driver.FindElement(By.Id("who")).Text, StringComparison.Ordinal);
            Assert.All(driver.FindElements(By.CssSelector("#actions button")), b => Assert.False(b.Enabled));
        }
        finally
        {
            driver.ExecuteScript("localStorage.setItem('fleet.token', arguments[0])", Gateway.Host.OperatorToken);
            driver.Navigate().Refresh();
        }
    }

    private void ShowOverviewFilteredTo(string id)
    {
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/"));
        Browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream");
        var search = Browser.WaitForElement("#search", "the search box");
        search.Clear();
        search.SendKeys(id);
    }

    private void WaitForRow(string id, string state) =>
        Browser.WaitFor(
            $"return document.querySelector('#device-rows [data-device={Browser.Quote(id)}]')?.dataset.state === {Browser.Quote(state)}",
            $"{id} to show as {state}");

    /// <summary>The colour drawn in the heatmap's first cell (the only device left after filtering).</summary>
    private string FirstCellColour()
    {
        Browser.WaitFor("return document.getElementById('grid').width > 0", "the heatmap to be drawn");
        return (string)Browser.Driver.ExecuteScript("""
            const canvas = document.getElementById('grid');
            const ratio = canvas.width / canvas.clientWidth;
            const [r, g, b] = canvas.getContext('2d').getImageData(Math.floor(6 * ratio), Math.floor(6 * ratio), 1, 1).data;
            return `rgb(${r},${g},${b})`;
            """)!;
    }
}
