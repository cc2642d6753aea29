using System.Net;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Api.Events;

public sealed class EventEndpointTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Events_WithoutAToken_Are401()
    {
        using var anonymous = gateway.Host.Client();

        var response = await anonymous.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Events_WithAReadTokenInTheQuery_StreamTwinChanges()
    {
        var id = "sse-" + Guid.NewGuid().ToString("N")[..8];
        using var anonymous = gateway.Host.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await anonymous.GetAsync("/api/v1/events?access_token=" + Uri.EscapeDataString(gateway.Host.ReaderToken), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("retry: 2000", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal("event: hello", await reader.ReadLineAsync(timeout.Token));

        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync(health: "degraded", modelVersion: "2.1.0");

        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal) && line.Contains("\"health\":\"degraded\"", StringComparison.Ordinal))
            {
                Assert.Contains("\"modelVersion\":\"2.1.0\"", line, StringComparison.Ordinal);
                Assert.Contains("\"online\":true", line, StringComparison.Ordinal);
                return;
            }
        }

        Assert.Fail("the stream ended before the twin change");
    }
}
