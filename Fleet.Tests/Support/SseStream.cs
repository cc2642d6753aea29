using System.Net;
using System.Threading.Channels;

namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>A gateway's <c>/api/v1/events</c> stream read in the background; tests await the event they expect.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Event, string Data)> _events = Channel.CreateUnbounded<(string, string)>();
    private readonly Task _reading;

    private SseStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        _reading = ReadAsync(new StreamReader(body));
    }

    /// <summary>Opens the stream (fleet-wide, or one device's with <paramref name="device"/>) and waits for its <c>hello</c>.</summary>
    public static async Task<SseStream> OpenAsync(Uri gateway, string token, string? device = null)
    {
        var client = new HttpClient { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
        var query = "/api/v1/events?access_token=" + Uri.EscapeDataString(token) + (device is null ? "" : "&device=" + Uri.EscapeDataString(device));
        var response = await client.GetAsync(query, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = new SseStream(client, response, await response.Content.ReadAsStreamAsync());
        await stream.NextAsync(e => e.Event == "hello", "the stream's hello");
        return stream;
    }

    /// <summary>The next event (skipping others) that satisfies <paramref name="match"/>.</summary>
    public async Task<(string Event, string Data)> NextAsync(Func<(string Event, string Data), bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("timed out waiting for " + what);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the event stream ended before " + what);
        }
    }

    private async Task ReadAsync(StreamReader reader)
    {
        string? name = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                {
                    await _events.Writer.WriteAsync((name, line["data: ".Length..]));
                    name = null;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Disposed, or the gateway went away.
        }
        finally
        {
            _events.Writer.TryComplete();
            reader.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _client.Dispose();
        _stop.Dispose();
    }
}
