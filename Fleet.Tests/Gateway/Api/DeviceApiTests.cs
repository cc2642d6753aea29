using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Api;

public sealed class DeviceApiTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("GET", "/api/v1/devices")]
    [InlineData("GET", "/api/v1/fleet/summary")]
    [InlineData("GET", "/api/v1/incidents")]
    [InlineData("GET", "/api/v1/models")]
    [InlineData("PUT", "/api/v1/devices/dev-1/desired")]
    [InlineData("POST", "/api/v1/devices/dev-1/commands")]
    [InlineData("POST", "/api/v1/devices/dev-1/quarantine")]
    [InlineData("PUT", "/api/v1/models/m/1.0.0")]
    public async Task Anonymous_IsRefusedEverywhere_With401(string method, string path)
    {
        using var anonymous = gateway.Host.Client();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "/api/v1/devices/dev-1/desired")]
    [InlineData("POST", "/api/v1/devices/dev-1/commands")]
    [InlineData("POST", "/api/v1/devices/dev-1/quarantine")]
    [InlineData("POST", "/api/v1/devices/dev-1/release")]
    [InlineData("PUT", "/api/v1/models/m/1.0.0")]
    public async Task ReadOnlyToken_CannotWrite_403(string method, string path)
    {
        var response = await gateway.Reader.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { expectedVersion = 0 }) });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_ExposeIngestCounters_TwinsLoaded_AndDevicesByHealth()
    {
        var id = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync(health: "unhealable");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("health").GetString() == "unhealable", "the report");

        using var anonymous = gateway.Host.Client();
        await Eventually.TrueAsync(async () => (await anonymous.GetStringAsync("/metrics")).Contains("fleet_devices{health=\"unhealable\"}", StringComparison.Ordinal), "devices by health");
        var text = await anonymous.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^fleet_ingest_reports_total [1-9]", text);
        Assert.Matches(@"(?m)^fleet_twins_loaded [1-9]", text);
        Assert.Contains("fleet_ingress_shards_connected 64", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_ReportsTheStoreAndEveryShardSession()
    {
        using var anonymous = gateway.Host.Client();
        var ready = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/health/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(64, ready.GetProperty("shards").GetProperty("connected").GetInt32());
        Assert.True(ready.GetProperty("store").GetProperty("version").GetInt32() >= 1);
    }

    [Fact]
    public async Task ReadOnlyToken_CanRead()
    {
        Assert.Equal(HttpStatusCode.OK, (await gateway.Reader.GetAsync("/api/v1/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Reader.GetAsync("/api/v1/fleet/summary")).StatusCode);
    }

    [Theory]
    [InlineData("""{"model":{"id":"m","version":"1"}}""", "expectedVersion")]
    [InlineData("""{"expectedVersion":-1,"thresholds":{"klMax":0.2}}""", "expectedVersion")]
    [InlineData("""{"expectedVersion":0}""", "model")]
    [InlineData("""{"expectedVersion":0,"thresholds":{"klMax":-1}}""", "thresholds")]
    [InlineData("""{"expectedVersion":0,"model":{"id":"nope","version":"9.9.9"}}""", "model")]
    public async Task SetDesired_InvalidBody_IsProblemJson400(string body, string field)
    {
        var response = await gateway.Operator.PutAsync("/api/v1/devices/dev-1/desired", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task Command_WithUnknownName_IsProblemJson400_AndUnknownDevice404()
    {
        var bad = await gateway.Operator.PostAsJsonAsync("/api/v1/devices/dev-1/commands", new { name = "selfDestruct" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        var missing = await gateway.Operator.PostAsJsonAsync("/api/v1/devices/never-seen/commands", new { name = "validate" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task DevicesList_RejectsOutOfRangeFilters()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.Reader.GetAsync("/api/v1/devices?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.Reader.GetAsync("/api/v1/devices?shard=64")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.Reader.GetAsync("/api/v1/devices?health=fine")).StatusCode);
    }

    [Fact]
    public async Task ModelUpload_IsSignedWithTheFleetKey_AndDownloadable()
    {
        var bytes = Fleet.Shared.Models.Packaging.ModelPackageWriter.Write(
            Fleet.Shared.Models.Packaging.ModelPackage.FromReference(Fleet.Shared.Models.ReferenceModels.Build().Safety, "api-model", "1.0.0"));
        var created = await gateway.Operator.PutAsync("/api/v1/models/api-model/1.0.0", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var model = await created.Content.ReadFromJsonAsync<JsonElement>();

        using var anonymous = gateway.Host.Client();
        var pem = await anonymous.GetStringAsync("/api/v1/fleet/key");
        var artifact = await anonymous.GetByteArrayAsync("/api/v1/models/api-model/1.0.0/artifact");
        Assert.Equal(bytes, artifact);
        using var publicKey = Fleet.Shared.Security.FleetKey.FromPem(pem);
        Assert.Equal(
            Fleet.Shared.Security.SignatureCheck.Valid,
            Fleet.Shared.Security.ModelSignature.Verify(publicKey, artifact, model.GetProperty("sha256").GetString(), model.GetProperty("signature").GetString()));

        Assert.Equal(HttpStatusCode.Conflict, (await gateway.Operator.PutAsync("/api/v1/models/api-model/1.0.0", new ByteArrayContent(bytes))).StatusCode);
        var audit = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/audit?target=model/api-model/1.0.0");
        Assert.Single(audit.GetProperty("items").EnumerateArray());
    }
}
