using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Gateway.Api.Models;
using MQTTnet.Protocol;
using Fleet.Shared.Protocol;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using Xunit.Abstractions;
using Fleet.Gateway.Registry;

namespace Fleet.Tests.Dashboard;

/// <summary>
/// The device page's history (sparklines, live over the device's own event stream), the vocoder's output around a
/// heal (waveforms with play buttons, from a real simulated agent), and the models page's lineage and metrics.
/// </summary>
public sealed class DeviceHistoryTests(DashboardFixture dashboard, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(60);

    private Browser Browser => dashboard.Browser;

    private GatewayFixture Gateway => dashboard.Gateway;

    [Fact]
    public async Task Sparklines_DrawTheHistory_GrowLive_AndSayNoSensorForAnAbsentMetric()
    {
        var id = "hist-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        await device.ReportAsync(health: "healthy");
        foreach (var kl in new[] { 0.02, 0.05, 0.03 })
        {
            await Telemetry(device, kl);
        }

        await Eventually.TrueAsync(async () => (await Metrics(id, fail: false))?.GetProperty("points").GetArrayLength() == 3, "three windows in the twin's history");

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        Browser.WaitFor("return document.querySelector('#sparks [data-metric=kl]')?.dataset.points === '3'", "the KL sparkline with three windows");
        Assert.Equal(1, Count("#sparks [data-metric=kl] polyline.line"));
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#sparks [data-metric=kl] polyline.threshold")));
        Assert.Equal(1, Count("#sparks [data-metric=latencyP99Us] polyline.line"));
        Assert.Equal("no sensor", Browser.Driver.FindElement(By.CssSelector("#sparks [data-absent=temperatureC]")).Text);
        Assert.Equal(0, Count("#sparks [data-metric=temperatureC] polyline"));

        // No reload: the point arrives over the device's event stream.
        await Telemetry(device, 0.04, temperatureC: 51.5);

        Browser.WaitFor("return document.querySelector('#sparks [data-metric=kl]')?.dataset.points === '4'", "the live telemetry window");
        Browser.WaitFor("return document.querySelector('#sparks [data-metric=temperatureC]')?.dataset.points === '1'", "the first temperature");
        Assert.Contains("51.50", Browser.Driver.FindElement(By.CssSelector("#sparks [data-metric=temperatureC] .value")).Text, StringComparison.Ordinal);
        output.WriteLine("screenshot: " + Browser.Screenshot("device-sparklines"));
    }

    [Fact]
    public async Task MetricsEndpoint_ReturnsTheNewestWindows_OldestFirst_WithAbsentMetricsAsNull()
    {
        var id = "hist-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        for (var i = 1; i <= 5; i++)
        {
            await Telemetry(device, i / 100.0);
        }

        // The device registers asynchronously: until it does the endpoint answers 404, which is "not yet" here.
        await Eventually.TrueAsync(async () => (await Metrics(id, fail: false))?.GetProperty("points").GetArrayLength() == 5, "five windows");

        var points = (await Metrics(id, "?points=2")).GetProperty("points");
        Assert.Equal([0.04, 0.05], points.EnumerateArray().Select(p => Math.Round(p.GetProperty("kl").GetDouble(), 6)));
        Assert.Equal(JsonValueKind.Null, points[0].GetProperty("temperatureC").ValueKind);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await Gateway.Reader.GetAsync($"/api/v1/devices/{id}/metrics?points=0")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Gateway.Reader.GetAsync("/api/v1/devices/never-seen-x/metrics")).StatusCode);
    }

    [Fact]
    public async Task WaveformsEndpoint_KeepsTheNewestPair_AndIgnoresAMalformedExcerptButNotItsHeal()
    {
        var id = "wave-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(Gateway.BrokerPort, id);
        await device.StatusAsync(online: true);
        Assert.Equal(JsonValueKind.Null, (await WaveformsWhenRegistered(id)).GetProperty("heal").ValueKind);

        await device.PublishAsync(TopicKind.Events, Heal("h-1", new JsonObject { ["sampleRate"] = 8000, ["clean"] = "AQACAA==", ["corrupted"] = "/38AgA==" }));
        await device.PublishAsync(TopicKind.Events, Heal("h-2", new JsonObject { ["sampleRate"] = 8000, ["clean"] = "AQID" }));
        await Gateway.DeviceWhenAsync(id, d => d.GetProperty("heals").GetArrayLength() == 2, "both heals stored");

        var heal = (await Waveforms(id)).GetProperty("heal");
        Assert.Equal("h-1", heal.GetProperty("id").GetString());
        Assert.Equal(8000, heal.GetProperty("sampleRate").GetInt32());
        Assert.Equal([1, 0, 2, 0], heal.GetProperty("clean").GetBytesFromBase64());
        Assert.Equal([0xFF, 0x7F, 0x00, 0x80], heal.GetProperty("corrupted").GetBytesFromBase64());
    }

    [Fact]
    public async Task VocoderDevice_AfterAnInjectedBitFlipIsHealed_ShowsCleanAndCorruptedWaveformsWithPlayButtons()
    {
        var prefix = "sim" + Guid.NewGuid().ToString("N")[..5];
        await using var agent = await AgentProcess.SimulatedAsync(Gateway.Reader, Gateway.BrokerPort, prefix, 1, "--fps", "100", "--window", "100");
        agent.Start();
        var id = AgentProcess.DeviceId(prefix, 1);
        await WhenAsync(agent, async () => (await Metrics(id, fail: false)) is { } m && m.GetProperty("points").GetArrayLength() >= 3, "the agent's first telemetry windows");

        var inject = await Gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands", new { name = "injectFault", args = new { fault = "bitflip:exponent" }, timeoutSeconds = 30 });
        Assert.True(inject.IsSuccessStatusCode, await inject.Content.ReadAsStringAsync());
        await WhenAsync(agent, async () => (await Waveforms(id)).GetProperty("heal").ValueKind == JsonValueKind.Object, "the heal's output excerpts");
        var heal = (await Waveforms(id)).GetProperty("heal");
        Assert.Equal("hardware", heal.GetProperty("diagnosis").GetString());
        var clean = heal.GetProperty("clean").GetBytesFromBase64();
        var corrupted = heal.GetProperty("corrupted").GetBytesFromBase64();
        Assert.InRange(clean.Length, 2, HealOutputSnippets.MaxSamples * 2);
        Assert.NotEqual(clean, corrupted);

        Browser.ConsoleLog();
        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/devices/" + id));
        foreach (var (kind, samples) in new[] { ("clean", clean.Length / 2), ("corrupted", corrupted.Length / 2) })
        {
            Browser.WaitFor($"return document.querySelector('canvas[data-wave-canvas={kind}]')?.dataset.drawn === '{samples}'", $"the {kind} waveform");
            Assert.True(InkedColumns(kind) > 100, $"the {kind} waveform has ink across the canvas");
            Assert.True(Browser.Driver.FindElement(By.CssSelector($"button[data-play={kind}]")).Enabled);
        }

        Browser.WaitFor("return Number(document.querySelector('#sparks [data-metric=kl]')?.dataset.points) >= 3", "the KL sparkline of the agent");
        Browser.WaitFor("return Number(document.querySelector('#sparks [data-metric=temperatureC]')?.dataset.points) >= 3", "the temperature sparkline of the agent");
        Browser.Driver.FindElement(By.CssSelector("button[data-play=corrupted]")).Click();
        Browser.WaitFor("return ['playing', 'played'].includes(document.querySelector('button[data-play=corrupted]').dataset.state)", "the corrupted output to play");
        Browser.Driver.ExecuteScript("document.getElementById('output-panel').scrollIntoView()");
        output.WriteLine("screenshot: " + Browser.Screenshot("device-waveforms"));

        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task ModelsPage_ShowsLineageBothWays_CardMetrics_AndNoRolloutsYet()
    {
        var model = "card-" + Guid.NewGuid().ToString("N")[..6];
        var registry = Gateway.Host.Services.GetRequiredService<ModelRegistry>();
        await Gateway.PushModelAsync(model, "1.0.0");
        var bytes = new byte[64];
        Random.Shared.NextBytes(bytes);
        var (status, _) = await registry.AddAsync(model, "1.1.0", "1.0.0", bytes, """{"relativeError":0.035}""", """{"v":1,"id":"x","version":"1.1.0","parent":"1.0.0","metrics":{"sparsity":0.5}}""", CancellationToken.None);
        Assert.Equal(Fleet.Gateway.Store.Models.ModelAddStatus.Added, status);
        Browser.ConsoleLog();

        Browser.Driver.Navigate().GoToUrl(new Uri(Gateway.Host.BaseAddress, "/#/models"));

        var child = Browser.WaitForElement($"[data-model='{model}@1.1.0']", "the model list");
        Assert.Contains("← 1.0.0", child.FindElement(By.CssSelector(".lineage")).Text, StringComparison.Ordinal);
        Assert.Equal("relativeError 0.0350", child.FindElement(By.CssSelector("[data-metric=relativeError]")).Text);
        Assert.Equal("sparsity 0.500", child.FindElement(By.CssSelector("[data-metric=sparsity]")).Text);
        Assert.Equal("→ 1.1.0", Browser.Driver.FindElement(By.CssSelector($"[data-model='{model}@1.0.0'] .children")).Text);
        Browser.WaitForElement("#no-rollouts", "the empty rollouts panel");
        output.WriteLine("screenshot: " + Browser.Screenshot("models"));

        // Until the gateway has the rollouts API its 404 is the one failed request the browser may log.
        var errors = Browser.ConsoleLog().Where(e => e.Level == LogLevel.Severe && !e.Message.Contains("/api/v1/rollouts", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    private static JsonObject Heal(string id, JsonObject output) => new()
    {
        ["type"] = "heal",
        ["id"] = id,
        ["diagnosis"] = "hardware",
        ["trigger"] = "digest",
        ["rungs"] = new JsonArray(new JsonObject { ["rung"] = "restoreTensors", ["validation"] = "pass" }),
        ["outcome"] = "healed",
        ["output"] = output,
    };

    private async Task<JsonElement> WaveformsWhenRegistered(string id) =>
        JsonDocument.Parse(await Eventually.ValueAsync(async () =>
        {
            var response = await Gateway.Reader.GetAsync($"/api/v1/devices/{id}/waveforms");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }, "the device to be registered")).RootElement;

    private static Task Telemetry(TestDevice device, double kl, double? temperatureC = null)
    {
        var body = new JsonObject { ["window"] = 10, ["kl"] = kl, ["klThreshold"] = 0.2, ["latencyP50Us"] = 300, ["latencyP99Us"] = 400 + (kl * 1000) };
        if (temperatureC is { } t)
        {
            body["temperatureC"] = t;
        }

        return device.PublishAsync(TopicKind.Telemetry, body, qos: MqttQualityOfServiceLevel.AtMostOnce);
    }

    private async Task<JsonElement> Metrics(string id, string query = "") => (await Metrics(id, fail: true, query))!.Value;

    private async Task<JsonElement?> Metrics(string id, bool fail, string query = "")
    {
        var response = await Gateway.Reader.GetAsync($"/api/v1/devices/{id}/metrics{query}");
        if (!fail && !response.IsSuccessStatusCode)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> Waveforms(string id) => await Gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}/waveforms");

    private static async Task WhenAsync(AgentProcess agent, Func<Task<bool>> condition, string what)
    {
        try
        {
            await Eventually.TrueAsync(async () => agent.HasExited ? throw new InvalidOperationException("fleet-device exited:\n" + agent.Log()) : await condition(), what, AgentTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nagent log tail:\n{agent.Log()}", ex);
        }
    }

    private int Count(string css) => Browser.Driver.FindElements(By.CssSelector(css)).Count;

    /// <summary>Pixel columns of a waveform canvas holding the waveform's colour (not the background or the axis).</summary>
    private long InkedColumns(string kind) => (long)Browser.Driver.ExecuteScript($$"""
        const canvas = document.querySelector('canvas[data-wave-canvas={{kind}}]');
        const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let columns = 0;
        for (let x = 0; x < width; x++) {
          for (let y = 0; y < height; y++) {
            const i = (y * width + x) * 4;
            if (data[i] !== data[i + 2] && Math.abs(data[i] - data[i + 2]) > 60) { columns++; break; }
          }
        }
        return columns;
        """)!;
}
