using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Writing;
using Fleet.Tests.Cli;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Gateway.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Api.Models;

/// <summary>The gateway validates every upload in ONNX Runtime itself; a refused model leaves nothing registered.</summary>
public sealed class ModelUploadTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Upload_PackageFailingItsOwnGoldenSet_IsRefusedWithTheReason_AndNothingIsRegistered()
    {
        var reference = ReferenceModels.Build();
        var lying = ModelPackage.FromReference(reference.Safety, "up-golden", "1.0.0") with { Golden = reference.Vocoder.Golden };

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-golden/1.0.0", new ByteArrayContent(ModelPackageWriter.Write(lying)));

        await AssertRefusedAsync(response, "golden validation FAILED");
        await AssertNotRegisteredAsync("up-golden", "1.0.0");
    }

    [Fact]
    public async Task Upload_ModelOnnxRuntimeCannotLoad_IsRefused()
    {
        var graph = new OnnxGraphBuilder("unknown_op");
        var x = graph.Input("controls", TensorElementType.Float, -1, 3);
        graph.Node("NoSuchOperator", [x], "output");
        graph.Output("output", TensorElementType.Float, -1, 3);
        var golden = new GoldenSet(1, "unknown", "controls", "output", 1e-3f, [new GoldenCase([0.1f, 0.2f, 0.3f], [0.1f, 0.2f, 0.3f])]);

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-load/1.0.0", Multipart(graph.Build(), golden.ToJson()));

        await AssertRefusedAsync(response, "cannot load or run");
        await AssertNotRegisteredAsync("up-load", "1.0.0");
    }

    [Fact]
    public async Task Upload_BareOnnxWithoutAGoldenSet_IsRefused()
    {
        var response = await gateway.Operator.PutAsync("/api/v1/models/up-bare/1.0.0", new ByteArrayContent(ReferenceModels.Build().Safety.Onnx));

        await AssertRefusedAsync(response, "needs a golden set");
        await AssertNotRegisteredAsync("up-bare", "1.0.0");
    }

    [Fact]
    public async Task Upload_PackageWhoseCardNamesAnotherVersion_IsRefused()
    {
        var package = ModelPackage.FromReference(ReferenceModels.Build().Safety, "up-card", "2.0.0");

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-card/1.0.0", new ByteArrayContent(ModelPackageWriter.Write(package)));

        await AssertRefusedAsync(response, "names up-card 2.0.0");
        await AssertNotRegisteredAsync("up-card", "1.0.0");
    }

    [Fact]
    public async Task Upload_BareOnnxWithAPassingGoldenSet_IsRegistered_WithWhatValidationMeasured()
    {
        var safety = ReferenceModels.Build().Safety;

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-ok/1.0.0", Multipart(safety.Onnx, safety.Golden.ToJson()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var model = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/models/up-ok/1.0.0");
        var metrics = model.GetProperty("metrics");
        Assert.Equal(safety.Golden.Cases.Count, metrics.GetProperty("goldenCases").GetInt32());
        Assert.True(metrics.GetProperty("goldenMaxAbsError").GetDouble() <= safety.Golden.Tolerance);
        Assert.Equal(safety.Onnx, await gateway.Reader.GetByteArrayAsync("/api/v1/models/up-ok/1.0.0/artifact"));
        var store = gateway.Host.Services.GetRequiredService<FleetStoreService>().Store;
        Assert.Equal(safety.Golden.ToJson(), await store.Models.GetGoldenSetAsync("up-ok", "1.0.0", CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(gateway.Host.DataDirectory, "models")), "artifacts and golden sets live in the store, not on one node's disk");
    }

    [Fact]
    public async Task Upload_ArtifactOverTheLimit_Is413_SayingTheLimit_AndNothingIsRegistered()
    {
        // Streamed without a length, as a client piping a file would: the gateway stops reading one byte past the limit.
        using var body = new StreamContent(new ZeroStream(StoreLimits.MaxArtifactBytes + 1L));

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-huge/1.0.0", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("at most 64 MiB (67108864 bytes)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotRegisteredAsync("up-huge", "1.0.0");
    }

    [Fact]
    public async Task Upload_MultipartModelPartOverTheLimit_Is413_SayingItsSize()
    {
        using var multipart = new MultipartFormDataContent { { new ByteArrayContent(new byte[StoreLimits.MaxArtifactBytes + 1]), "model", "model.onnx" } };

        var response = await gateway.Operator.PutAsync("/api/v1/models/up-announced/1.0.0", multipart);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"the model artifact is {StoreLimits.MaxArtifactBytes + 1} bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotRegisteredAsync("up-announced", "1.0.0");
    }

    [Fact]
    public async Task Push_BareOnnxWithoutGolden_IsRefusedByTheGateway_AndTheCliSaysWhy()
    {
        var file = Path.Combine(Path.GetTempPath(), "push-bare-" + Guid.NewGuid().ToString("N")[..8] + ".onnx");
        await File.WriteAllBytesAsync(file, ReferenceModels.Build().Safety.Onnx);
        try
        {
            var cli = await CliRunner.RunAsync(["models", "push", file, "--id", "up-cli", "--version", "1.0.0", "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.OperatorToken]);

            Assert.NotEqual(0, cli.ExitCode);
            Assert.Contains("422", cli.Error, StringComparison.Ordinal);
            Assert.Contains("needs a golden set", cli.Error, StringComparison.Ordinal);
            await AssertNotRegisteredAsync("up-cli", "1.0.0");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A stream of <paramref name="length"/> zero bytes whose length the client does not announce (sent chunked).</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static MultipartFormDataContent Multipart(byte[] onnx, string goldenJson) => new()
    {
        { new ByteArrayContent(onnx), "model", "model.onnx" },
        { new StringContent(goldenJson), "golden", "golden.json" },
    };

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task AssertNotRegisteredAsync(string id, string version)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Reader.GetAsync($"/api/v1/models/{id}/{version}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(gateway.Host.DataDirectory, "models", id)), "no artifact was written");
    }
}
