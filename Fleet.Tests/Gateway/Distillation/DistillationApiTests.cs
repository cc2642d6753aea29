using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Cli;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Distillation;

public sealed class DistillationApiTests(GatewayFixture gateway, ITestOutputHelper output) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Distill_FromInsightsAndTeacher_RegistersABetterSignedStudent_WithLineage()
    {
        await PutAsync("1.0.0", ModelPackageWriter.Write(DistillationRunnerTests.ParentBlindAbovePitch(0.5f)));
        await PutAsync("2.0.0", ModelPackageWriter.Write(ModelPackage.FromReference(ReferenceModels.Build().Vocoder, "vocoder", "2.0.0")));
        await using (var device = await TestDevice.ConnectAsync(gateway.BrokerPort, "dist-dev-1", subscribe: false))
        {
            await device.PublishAsync(TopicKind.Events, HighPitchInsight());
        }

        await Eventually.TrueAsync(async () =>
        {
            var summary = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/models/vocoder/1.0.0/insights");
            return summary.GetProperty("region").ValueKind == JsonValueKind.Object;
        }, "the insight aggregated");

        var cli = await CliRunner.RunAsync(["models", "distill", "--id", "vocoder", "--from", "1.0.0", "--teacher", "2.0.0", "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.OperatorToken]);
        output.WriteLine(cli.Output);
        Assert.True(cli.ExitCode == 0, cli.Error + cli.Output);
        Assert.Contains("registered vocoder 1.0.1 (signed)", cli.Output, StringComparison.Ordinal);

        var model = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/models/vocoder/1.0.1");
        Assert.Equal("1.0.0", model.GetProperty("parentVersion").GetString());
        Assert.False(string.IsNullOrEmpty(model.GetProperty("signature").GetString()));
        var metrics = model.GetProperty("metrics");
        Assert.True(metrics.GetProperty("regionErrorAfter").GetDouble() < 0.6 * metrics.GetProperty("regionErrorBefore").GetDouble(), metrics.GetRawText());
        var lineage = model.GetProperty("card").GetProperty("lineage");
        Assert.Equal("2.0.0", lineage.GetProperty("teacher").GetString());
        Assert.Single(lineage.GetProperty("insightIds").EnumerateArray());

        var show = await CliRunner.RunAsync(["models", "show", "1.0.1", "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.ReaderToken]);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("regionErrorAfter", show.Output, StringComparison.Ordinal);
        Assert.Contains("Teacher", show.Output, StringComparison.Ordinal);

        // What devices download is a package naming the new version.
        var artifact = await gateway.Reader.GetByteArrayAsync("/api/v1/models/vocoder/1.0.1/artifact");
        Assert.Equal("1.0.1", ModelPackageReader.Read(artifact).Package!.Card.ModelVersion);
    }

    [Fact]
    public async Task Push_WithAGoldenSetTheModelFails_IsRefusedBeforeUpload()
    {
        var reference = ReferenceModels.Build();
        var file = Path.Combine(Path.GetTempPath(), "push-golden-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllBytesAsync(file + ".onnx", reference.Safety.Onnx);
        await File.WriteAllTextAsync(file + ".golden.json", reference.Vocoder.Golden.ToJson());
        await File.WriteAllTextAsync(file + ".own.json", reference.Safety.Golden.ToJson());
        try
        {
            string[] connection = ["--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.OperatorToken];
            var refused = await CliRunner.RunAsync(["models", "push", file + ".onnx", "--id", "golden-check", "--version", "3.0.0", "--golden", file + ".golden.json", .. connection]);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("refused", refused.Error, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await gateway.Reader.GetAsync("/api/v1/models/golden-check/3.0.0")).StatusCode);

            var accepted = await CliRunner.RunAsync(["models", "push", file + ".onnx", "--id", "golden-check", "--version", "3.0.0", "--golden", file + ".own.json", .. connection]);
            Assert.True(accepted.ExitCode == 0, accepted.Error);
            Assert.Contains("golden set:", accepted.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var suffix in new[] { ".onnx", ".golden.json", ".own.json" })
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Fact]
    public async Task Distill_WithAnUnregisteredTeacher_Is404()
    {
        var response = await gateway.Operator.PostAsJsonAsync("/api/v1/models/vocoder/1.0.0/distill", new { teacher = "9.9.9" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task PutAsync(string version, byte[] package)
    {
        var response = await gateway.Operator.PutAsync($"/api/v1/models/vocoder/{version}", new ByteArrayContent(package));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, response.StatusCode.ToString());
    }

    internal static JsonObject HighPitchInsight()
    {
        var region = DistillationRunnerTests.HighPitchRegion();
        return new JsonObject
        {
            ["type"] = "insight",
            ["signature"] = "vocoder/1.0.0/modelQuality",
            ["diagnosis"] = "modelQuality",
            ["modelVersion"] = "1.0.0",
            ["region"] = new JsonObject
            {
                ["samples"] = 25,
                ["centroid"] = new JsonArray([.. region.Centroid.Select(v => (JsonNode)v)]),
                ["stdDev"] = new JsonArray([.. region.StdDev.Select(v => (JsonNode)v)]),
                ["histogramMin"] = region.HistogramMin,
                ["histogramMax"] = region.HistogramMax,
                ["histograms"] = new JsonArray([.. region.Histograms.Select(h => (JsonNode)new JsonArray([.. h.Select(c => (JsonNode)(c * 10))]))]),
            },
            ["outcome"] = "unhealable",
        };
    }
}
