using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Distillation;

/// <summary>Distillation jobs live in the store: a restarted gateway still answers for them, and marks the ones it interrupted.</summary>
public sealed class DistillationRestartTests
{
    [Fact]
    public async Task Jobs_SurviveAGatewayRestart_AndOneThatWasRunningIsMarkedInterrupted()
    {
        var data = Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]);

        // Tiny epochs, very many of them: the job is certainly still training when the gateway stops.
        string[] settings = ["--Fleet:Distillation:Epochs", "1000000", "--Fleet:Distillation:RegionSamples", "64", "--Fleet:Distillation:NormalSamples", "64",
            "--Fleet:Distillation:EvaluationSamples", "16"];
        string failedId;
        string runningId;
        string failedError;
        var first = await GatewayHost.StartInAsync(data, settings);
        try
        {
            using var client = first.Client(first.OperatorToken);
            await PutAsync(client, "1.0.0", ModelPackageWriter.Write(DistillationRunnerTests.ParentBlindAbovePitch(0.5f)));
            await PutAsync(client, "2.0.0", ModelPackageWriter.Write(ModelPackage.FromReference(ReferenceModels.Build().Vocoder, "vocoder", "2.0.0")));

            // 2.0.0 has no insights yet: that job fails at once, with a reason.
            failedId = await StartAsync(client, "2.0.0", "1.0.0", "2.0.1");
            failedError = await Eventually.ValueAsync(async () =>
            {
                var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/distillations/{failedId}");
                return job.GetProperty("state").GetString() == "failed" ? job.GetProperty("error").GetString() : null;
            }, "the job without insights to fail");

            await using (var device = await TestDevice.ConnectAsync(first.Services.GetRequiredService<EmbeddedBroker>().Port, "restart-dev-1", subscribe: false))
            {
                await device.PublishAsync(TopicKind.Events, DistillationApiTests.HighPitchInsight());
            }

            await Eventually.TrueAsync(
                async () => (await client.GetFromJsonAsync<JsonElement>("/api/v1/models/vocoder/1.0.0/insights")).GetProperty("region").ValueKind == JsonValueKind.Object,
                "the insight aggregated");
            runningId = await StartAsync(client, "1.0.0", "2.0.0", "1.0.1");
            var training = await Eventually.ValueAsync(async () =>
            {
                var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/distillations/{runningId}");
                return job.GetProperty("state").GetString() != "running" || job.GetProperty("progress").GetProperty("epoch").GetInt32() > 3 ? job.GetRawText() : null;
            }, "the long job to train");
            Assert.True(training.Contains("\"state\":\"running\"", StringComparison.Ordinal), training);

            // The store gets epochs at most once a second: wait until it has seen one.
            var store = first.Services.GetRequiredService<FleetStoreService>().Store;
            await Eventually.TrueAsync(async () => (await store.Distillations.GetAsync(runningId, CancellationToken.None))?.ProgressJson.Contains("\"training\"", StringComparison.Ordinal) == true,
                "the store to record the training stage");
            first.KeepDataDirectory = true;
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await GatewayHost.StartInAsync(data, settings);
        using var reader = second.Client(second.ReaderToken);

        var failed = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/distillations/{failedId}");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal(failedError, failed.GetProperty("error").GetString());
        Assert.Contains("no insight", failed.GetProperty("error").GetString(), StringComparison.Ordinal);

        var interrupted = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/distillations/{runningId}");
        Assert.Equal("failed", interrupted.GetProperty("state").GetString());
        Assert.Equal(Distiller.InterruptedError, interrupted.GetProperty("error").GetString());
        Assert.Equal("training", interrupted.GetProperty("progress").GetProperty("stage").GetString());
        Assert.True(interrupted.GetProperty("progress").GetProperty("epoch").GetInt32() > 0);
        Assert.Equal(JsonValueKind.String, interrupted.GetProperty("finished").ValueKind);
        Assert.Single(interrupted.GetProperty("insightIds").EnumerateArray());

        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/v1/distillations/dist-0-0")).StatusCode);
    }

    private static async Task PutAsync(HttpClient client, string version, byte[] package) =>
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/api/v1/models/vocoder/{version}", new ByteArrayContent(package))).StatusCode);

    private static async Task<string> StartAsync(HttpClient client, string from, string teacher, string newVersion)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/models/vocoder/{from}/distill", new { teacher, newVersion });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
