using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Api;

public sealed class AuthTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task WhoAmI_WithoutToken_Is401()
    {
        using var client = _gateway.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/whoami")).StatusCode);
    }

    [Fact]
    public async Task WhoAmI_WithUnknownToken_Is401()
    {
        using var client = _gateway.Client("flt_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/whoami")).StatusCode);
    }

    [Fact]
    public async Task WhoAmI_NamesTheTokenAndItsRole()
    {
        using var reader = _gateway.Client(_gateway.ReaderToken);
        var me = await reader.GetFromJsonAsync<JsonElement>("/api/v1/whoami");
        Assert.Equal("reader", me.GetProperty("name").GetString());
        Assert.Equal("readOnly", me.GetProperty("role").GetString());

        using var op = _gateway.Client(_gateway.OperatorToken);
        me = await op.GetFromJsonAsync<JsonElement>("/api/v1/whoami");
        Assert.Equal("operator", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task TokensFile_KeepsOnlyHashes()
    {
        var stored = await File.ReadAllTextAsync(Path.Combine(_gateway.DataDirectory, "tokens.json"));
        Assert.DoesNotContain(_gateway.OperatorToken, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(_gateway.ReaderToken, stored, StringComparison.Ordinal);
        var mode = File.GetUnixFileMode(Path.Combine(_gateway.DataDirectory, "credentials"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Ready_ReportsTheManagedBroker()
    {
        using var client = _gateway.Client();
        var ready = await client.GetFromJsonAsync<JsonElement>("/api/v1/health/ready");
        Assert.True(ready.GetProperty("broker").GetProperty("managed").GetBoolean());
        Assert.InRange(ready.GetProperty("broker").GetProperty("port").GetInt32(), 1, 65535);
    }
}
