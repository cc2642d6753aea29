using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Gateway.Rollouts;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Fleet.Tests.Dashboard;

/// <summary>
/// The rollouts panel against a real gateway running real rollouts over protocol-speaking test devices: waves fill live
/// from <c>event: rollout</c> (the page is never reloaded), and a canary that rolls the update back shows its failed gate.
/// </summary>
public sealed class RolloutPanelTests(DashboardFixture dashboard, ITestOutputHelper output) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private readonly string _model = "panel-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<RolloutTestDevice> _devices = [];

    private Browser Browser => dashboard.Browser;

    private GatewayFixture Gateway => dashboard.Gateway;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task WavesFillLive_AsDevicesCommit_UntilTheRolloutCompletes()
    {
        var devices = await FleetOnOldVersionAsync(3);
        var released = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var name = device.Id;
            device.Decide = _ => released.ContainsKey(name) ? "committed" : null;
        }

        OpenModelsPage();
        var id = await StartRolloutAsync(new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 0.3, maxKlRatio = 100, maxLatencyRatio = 100 });
        var rollout = $"[data-rollout={Browser.Quote(id)}]";

        WaitForWave(rollout, 0, "updating", updating: 1, committed: 0, "the canary updating");
        Assert.Equal("running", StateOf(rollout));
        Assert.Equal(2, Browser.Driver.FindElements(By.CssSelector($"{rollout} .wave-row")).Count);
        Assert.Equal("waiting", WaveState(rollout, 1));
        var canary = await SentTheVersionAsync(devices, 1);
        released[canary[0].Id] = true;
        canary[0].Reconsider();

        WaitForWave(rollout, 0, "passed", updating: 0, committed: 1, "the canary committed and its gate passed");
        Browser.WaitFor($"return document.querySelector('{rollout} [data-wave-index=\"0\"] [data-gate]')?.dataset.gate === 'pass'", "the canary's gate to show pass");
        WaitForWave(rollout, 1, "updating", updating: 2, committed: 0, "the second wave updating");
        var second = (await SentTheVersionAsync(devices, 3)).Where(d => d != canary[0]).ToList();
        released[second[0].Id] = true;
        second[0].Reconsider();

        WaitForWave(rollout, 1, "updating", updating: 1, committed: 1, "the second wave half committed");
        Assert.Equal(50.0, BarPercent(rollout, 1, "committed"), 1);
        Assert.Equal(50.0, BarPercent(rollout, 1, "updating"), 1);
        released[second[1].Id] = true;
        second[1].Reconsider();

        WaitForWave(rollout, 1, "passed", updating: 0, committed: 2, "the second wave committed and passed");
        Browser.WaitFor($"return document.querySelector({Browser.Quote(rollout)})?.dataset.state === 'completed'", "the rollout to show completed");
        Assert.Equal(100.0, BarPercent(rollout, 1, "committed"), 1);
        Assert.Contains("3/3 devices done", Browser.Driver.FindElement(By.CssSelector(rollout)).Text, StringComparison.Ordinal);
        AssertNotReloadedAndNoConsoleErrors();
        output.WriteLine("screenshot: " + Browser.Screenshot("rollouts"));
    }

    [Fact]
    public async Task CanaryRollsTheUpdateBack_ShowsTheFailedGateWithItsReason_AndTheRolledBackRollout()
    {
        var devices = await FleetOnOldVersionAsync(3);
        foreach (var device in devices)
        {
            device.Decide = _ => "rolledBack";
        }

        OpenModelsPage();
        var id = await StartRolloutAsync(new { canaryDevices = 1, soakSeconds = 0.3 });
        var rollout = $"[data-rollout={Browser.Quote(id)}]";

        Browser.WaitFor($"return document.querySelector({Browser.Quote(rollout)})?.dataset.state === 'rolledBack'", "the rollout to show rolled back");
        WaitForWave(rollout, 0, "failed", updating: 0, committed: 0, "the canary's wave failed");
        var gate = Browser.WaitForElement($"{rollout} [data-wave-index=\"0\"] [data-gate=\"fail\"]", "the canary's failed gate");
        var view = await Gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{id}");
        var reasons = view.GetProperty("waves")[0].GetProperty("gate").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.NotEmpty(reasons);
        Assert.Equal(reasons, gate.FindElements(By.CssSelector(".reason")).Select(r => r.Text));
        Assert.Contains("failed the update", gate.Text, StringComparison.Ordinal);
        Assert.Equal(100.0, BarPercent(rollout, 0, "failed"), 1);
        Assert.Equal("waiting", WaveState(rollout, 1));
        Assert.Contains(view.GetProperty("reason").GetString()!, Browser.Driver.FindElement(By.CssSelector($"{rollout} header")).Text, StringComparison.Ordinal);
        AssertNotReloadedAndNoConsoleErrors();
        output.WriteLine("screenshot: " + Browser.Screenshot("rollouts-rolled-back"));
    }

    [Fact]
    public async Task CanaryHealsDuringTheSoak_ShowsTheQualityGateFailing_AndTheCanaryReturnedToTheOldVersion()
    {
        var devices = await FleetOnOldVersionAsync(2);
        OpenModelsPage();
        var id = await StartRolloutAsync(new { canaryDevices = 1, soakSeconds = 5, maxKlRatio = 100, maxLatencyRatio = 100 });
        var rollout = $"[data-rollout={Browser.Quote(id)}]";
        WaitForWave(rollout, 0, "soaking", updating: 0, committed: 1, "the canary committed and soaking");
        var canary = devices.Single(d => d.ModelVersion == "1.1.0");

        // The heal-rate gate is judged when the soak ends; the soak is long enough for the heal to land inside it.
        await canary.HealAsync("h-" + Guid.NewGuid().ToString("N")[..6], "unhealable");

        Browser.WaitFor($"return document.querySelector({Browser.Quote(rollout)})?.dataset.state === 'rolledBack'", "the rollout to show rolled back");
        var gate = Browser.WaitForElement($"{rollout} [data-wave-index=\"0\"] [data-gate=\"fail\"]", "the canary's failed gate");
        Assert.Contains("heal rate", gate.Text, StringComparison.Ordinal);
        Assert.Equal("failed", WaveState(rollout, 0));
        Browser.WaitFor($"return document.querySelector('{rollout} header .returned')?.textContent.includes('1 returned to 1.0.0') === true", "the canary counted as returned to 1.0.0");
        Browser.WaitFor($"return parseFloat(document.querySelector('{rollout} [data-wave-index=\"0\"] .bar .returned')?.style.width ?? '0') >= 99", "the canary wave's bar shows its device returned");
        AssertNotReloadedAndNoConsoleErrors();
    }

    [Fact]
    public async Task ChangesMissedWhileTheStreamWasDown_ShowAfterItReconnects()
    {
        await FleetOnOldVersionAsync(2);
        var driver = Browser.Driver;

        // Keep a handle on the page's EventSources so the test can cut the stream: closed silently, the page hears
        // nothing of the rollout below; its error then sends the page through its real reconnect (new stream, "hello").
        var script = driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?>
        {
            ["source"] = "window.fleetTestSources = []; window.EventSource = class extends window.EventSource { constructor(...args) { super(...args); window.fleetTestSources.push(this); } };",
        }) as Dictionary<string, object?>;
        try
        {
            driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/models"));
            driver.Navigate().Refresh();
            OpenModelsPage();
            driver.ExecuteScript("window.fleetTestSources.at(-1).close()");
            var id = await StartRolloutAsync(new { canaryDevices = 1, soakSeconds = 0.3, maxKlRatio = 100, maxLatencyRatio = 100 });
            await Eventually.TrueAsync(async () => (await Gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{id}")).GetProperty("state").GetString() == "completed", "the rollout completed");
            var rollout = $"[data-rollout={Browser.Quote(id)}]";
            Assert.Empty(driver.FindElements(By.CssSelector(rollout)));

            driver.ExecuteScript("const source = window.fleetTestSources.at(-1); source.onerror(new Event('error'))");

            Browser.WaitFor("return window.fleetTestSources.length === 2 && document.getElementById('live').dataset.state === 'live'", "the page to reconnect");
            Browser.WaitFor($"return document.querySelector({Browser.Quote(rollout)})?.dataset.state === 'completed'", "the rollout it missed, completed");
            WaitForWave(rollout, 1, "passed", updating: 0, committed: 1, "the last wave passed");
            AssertNotReloadedAndNoConsoleErrors();
        }
        finally
        {
            if (script?["identifier"] is string identifier)
            {
                driver.ExecuteCdpCommand("Page.removeScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["identifier"] = identifier });
            }
        }
    }

    /// <summary>Registers the model's old and new versions and brings <paramref name="count"/> devices online on the old one.</summary>
    private async Task<IReadOnlyList<RolloutTestDevice>> FleetOnOldVersionAsync(int count)
    {
        await Gateway.PushModelAsync(_model, "1.0.0");
        await Gateway.PushModelAsync(_model, "1.1.0", parent: "1.0.0");
        for (var i = 0; i < count; i++)
        {
            _devices.Add(await RolloutTestDevice.StartAsync(Gateway.BrokerPort, $"{_model}-{i}", "1.0.0"));
        }

        foreach (var device in _devices)
        {
            await Gateway.DeviceWhenAsync(device.Id, d => d.GetProperty("device").GetProperty("modelVersion").GetString() == "1.0.0", $"{device.Id} online on 1.0.0");
        }

        return _devices;
    }

    /// <summary>Opens the models page, marks the window (a reload would lose the mark) and clears the console log.</summary>
    private void OpenModelsPage()
    {
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/models"));
        Browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream");
        Browser.WaitForElement("#no-rollouts, #rollouts .rollout-list", "the rollouts panel to load");
        Browser.Driver.ExecuteScript("window.fleetTestMark = true");
        Browser.ConsoleLog();
    }

    private async Task<string> StartRolloutAsync(object policy)
    {
        var response = await Gateway.Operator.PostAsJsonAsync("/api/v1/rollouts", new { modelId = _model, version = "1.1.0", policy, devices = _devices.Select(d => d.Id) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<IReadOnlyList<RolloutTestDevice>> SentTheVersionAsync(IReadOnlyList<RolloutTestDevice> devices, int count)
    {
        await Eventually.TrueAsync(() => devices.Count(d => d.Received.Contains("1.1.0")) == count, $"{count} devices sent 1.1.0");
        return devices.Where(d => d.Received.Contains("1.1.0")).ToList();
    }

    private void WaitForWave(string rollout, int index, string state, int updating, int committed, string what)
    {
        var row = $"document.querySelector('{rollout} [data-wave-index=\"{index}\"]')";
        Browser.WaitFor(
            $$"""
            const row = {{row}};
            const shows = (part, n) => Math.abs(parseFloat(row.querySelector('.bar .' + part).style.width) - n * 100 / row.querySelector('.bar').getAttribute('aria-valuemax')) < 0.1;
            return row?.dataset.state === '{{state}}' && shows('updating', {{updating}}) && shows('committed', {{committed}});
            """,
            what);
    }

    private string StateOf(string rollout) => Browser.Driver.FindElement(By.CssSelector(rollout)).GetDomAttribute("data-state") ?? "";

    private string WaveState(string rollout, int index) =>
        Browser.Driver.FindElement(By.CssSelector($"{rollout} [data-wave-index=\"{index}\"]")).GetDomAttribute("data-state") ?? "";

    /// <summary>How much of a wave's bar a part (committed, failed, updating) fills, in percent.</summary>
    private double BarPercent(string rollout, int index, string part) =>
        Convert.ToDouble(Browser.Driver.ExecuteScript($"return parseFloat(document.querySelector('{rollout} [data-wave-index=\"{index}\"] .bar .{part}').style.width)"), CultureInfo.InvariantCulture);

    private void AssertNotReloadedAndNoConsoleErrors()
    {
        Assert.True(Browser.Driver.ExecuteScript("return window.fleetTestMark === true") is true, "the page was reloaded; the panel should change live");
        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }
}
