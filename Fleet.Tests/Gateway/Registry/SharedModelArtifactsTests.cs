using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Shared.Models;
using Fleet.Shared.Security;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Registry;

/// <summary>
/// Artifacts and golden sets live in the fleet store: a model pushed through one gateway node is served, signature and
/// all, by another node with its own data directory on the same PostgreSQL — even once the first node and its
/// directory are gone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedModelArtifactsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ModelPushedThroughNodeA_IsDownloadedFromNodeB_AndItsSignatureVerifies()
    {
        var schema = "models_" + Guid.NewGuid().ToString("N")[..8];
        var secrets = Path.Combine(Path.GetTempPath(), "fleet-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        string[] shared = ["--Fleet:SecretsDirectory", secrets, "--Fleet:Store:Provider", FleetStoreOptions.Postgres,
            "--Fleet:Store:ConnectionString", postgres.ConnectionString, "--Fleet:Store:Schema", schema];
        try
        {
            var safety = ReferenceModels.Build().Safety;
            await using var nodeB = await GatewayHost.StartAsync(shared);
            string aData;
            await using (var nodeA = await GatewayHost.StartAsync(shared))
            {
                aData = nodeA.DataDirectory;
                Assert.NotEqual(aData, nodeB.DataDirectory);
                using var operatorA = nodeA.Client(nodeA.OperatorToken);
                using var upload = new MultipartFormDataContent
                {
                    { new ByteArrayContent(safety.Onnx), "model", "model.onnx" },
                    { new StringContent(safety.Golden.ToJson()), "golden", "golden.json" },
                };
                var response = await operatorA.PutAsync("/api/v1/models/shared-safety/1.0.0", upload);
                Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            }

            Assert.False(Directory.Exists(aData), "node A and its data directory are gone");
            using var readerB = nodeB.Client(nodeB.ReaderToken);
            var model = await readerB.GetFromJsonAsync<JsonElement>("/api/v1/models/shared-safety/1.0.0");
            Assert.StartsWith(nodeB.BaseAddress.ToString().TrimEnd('/'), model.GetProperty("url").GetString(), StringComparison.Ordinal);
            using var anonymousB = nodeB.Client();
            var artifact = await anonymousB.GetByteArrayAsync("/api/v1/models/shared-safety/1.0.0/artifact");
            using var key = FleetKey.FromPem(await anonymousB.GetStringAsync("/api/v1/fleet/key"));

            Assert.Equal(safety.Onnx, artifact);
            Assert.Equal(
                SignatureCheck.Valid,
                ModelSignature.Verify(key, artifact, model.GetProperty("sha256").GetString(), model.GetProperty("signature").GetString()));
            var store = nodeB.Services.GetRequiredService<FleetStoreService>().Store;
            var golden = await store.Models.GetGoldenSetAsync("shared-safety", "1.0.0", CancellationToken.None);
            Assert.Equal(safety.Golden.Cases.Count, GoldenSet.FromJson(golden!).Cases.Count);
            Assert.Null((await store.Models.GetAsync("shared-safety", "1.0.0", CancellationToken.None))!.ArtifactPath);
        }
        finally
        {
            if (Directory.Exists(secrets))
            {
                Directory.Delete(secrets, recursive: true);
            }
        }
    }
}
