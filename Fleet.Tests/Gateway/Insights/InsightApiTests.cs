using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Shared.Protocol;
using Fleet.Tests.Cli;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Insights;

public sealed class InsightApiTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Insights_FromDevices_AreAggregatedRobustly_AndSignaturesRanked()
    {
        const string version = "7.1.0";
        await gateway.PushModelAsync("insight-model", version);
        var devices = new List<TestDevice>();
        try
        {
            // Eight honest devices fail around x ≈ 0.5; two lying devices (the 20 % the default policy trims) claim x = 50 with a huge spread.
            for (var i = 0; i < 10; i++)
            {
                var device = await TestDevice.ConnectAsync(gateway.BrokerPort, $"ins-{i:00}", subscribe: false);
                devices.Add(device);
                var liar = i >= 8;
                await device.PublishAsync(TopicKind.Events, Insight(version, "modelQuality", liar ? 50 : 0.44 + (0.02 * i), liar ? 9 : 0.1, bin: liar ? 15 : 8));
            }

            // One honest device also reports a second, rarer signature.
            await devices[0].PublishAsync(TopicKind.Events, Insight(version, "dataDrift", 0.5, 0.1, bin: 8));

            var summary = await Eventually.ValueAsync<string>(async () =>
            {
                var response = await gateway.Reader.GetAsync($"/api/v1/models/insight-model/{version}/insights");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return null;
                }

                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                return body.GetProperty("insights").GetInt32() == 11 ? body.GetRawText() : null;
            }, "all 11 insights aggregated");
            var root = JsonDocument.Parse(summary).RootElement;

            Assert.Equal(10, root.GetProperty("devices").GetInt32());
            var signatures = root.GetProperty("signatures").EnumerateArray().ToList();
            Assert.Equal($"insight-model/{version}/modelQuality", signatures[0].GetProperty("signature").GetString());
            Assert.Equal(10, signatures[0].GetProperty("devices").GetInt32());
            Assert.Equal($"insight-model/{version}/dataDrift", signatures[1].GetProperty("signature").GetString());

            var region = root.GetProperty("region");
            Assert.Equal(10, region.GetProperty("devices").GetInt32());
            var centroid = region.GetProperty("centroid")[0].GetDouble();
            Assert.InRange(centroid, 0.44, 0.58);
            Assert.True(region.GetProperty("histograms")[0][8].GetDouble() > 0.99, "the honest bin dominates");
            Assert.InRange(region.GetProperty("stdDev")[0].GetDouble(), 0.05, 0.2);
            Assert.Equal(10, root.GetProperty("insightIds").GetArrayLength());

            var cli = await CliRunner.RunAsync(["models", "insights", version, "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.ReaderToken]);
            Assert.True(cli.ExitCode == 0, cli.Error);
            Assert.Contains($"insight-model/{version}/modelQuality", cli.Output, StringComparison.Ordinal);
            Assert.Contains("failing region (robust over 10 devices)", cli.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Insights_OfAnUnknownVersionWithoutInsights_Are404()
    {
        var response = await gateway.Reader.GetAsync("/api/v1/models/nope/9.9.9/insights");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static JsonObject Insight(string version, string diagnosis, double centroid, double stdDev, int bin)
    {
        var histogram = new JsonArray();
        for (var b = 0; b < 16; b++)
        {
            histogram.Add(b == bin ? 25 : 0);
        }

        return new JsonObject
        {
            ["type"] = "insight",
            ["signature"] = $"insight-model/{version}/{diagnosis}",
            ["diagnosis"] = diagnosis,
            ["modelVersion"] = version,
            ["kl"] = new JsonObject { ["windows"] = 5, ["mean"] = 0.31, ["max"] = 0.9, ["threshold"] = 0.2 },
            ["region"] = new JsonObject
            {
                ["samples"] = 25,
                ["centroid"] = new JsonArray(centroid),
                ["stdDev"] = new JsonArray(stdDev),
                ["histogramMin"] = -1,
                ["histogramMax"] = 2,
                ["histograms"] = new JsonArray(histogram),
            },
            ["outcome"] = "unhealable",
        };
    }
}
