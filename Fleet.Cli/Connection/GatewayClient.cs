using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Fleet.Cli.Connection;

/// <summary>The gateway's HTTP API as the CLI uses it; every failure becomes a <see cref="CliException"/> that says what to do.</summary>
internal sealed class GatewayClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CliSettings _settings;

    public GatewayClient(CliSettings settings, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = settings.Url;
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (settings.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>GET returning the body's bytes (artifacts); errors as <see cref="SendAsync"/>.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException($"cannot connect: is the gateway running at {_settings.Url}? (set --url or FLEET_URL)", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(Describe(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)));
            }

            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException($"cannot connect: is the gateway running at {_settings.Url}? (set --url or FLEET_URL)", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the gateway at {_settings.Url} did not answer in time", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }

            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new CliException(_settings.Token is null
                    ? $"no token: pass --token, set FLEET_TOKEN or write ~/.config/fleet/config.json (the gateway's tokens are in its data directory's credentials file)"
                    : $"token rejected by the gateway at {_settings.Url} (token from {_settings.TokenSource})"),
                HttpStatusCode.Forbidden => new CliException("this token is read-only; the change needs an operator token"),
                _ => new CliException(Describe(response.StatusCode, text)),
            };
        }
    }

    private static string Describe(HttpStatusCode status, string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var message = new StringBuilder();
            message.Append((int)status).Append(' ');
            var said = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()
                : root.TryGetProperty("title", out var title) ? title.GetString() : status.ToString();
            var fieldErrors = new List<string>();
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var error in field.Value.EnumerateArray())
                    {
                        fieldErrors.Add(field.Name + ": " + error.GetString());
                        if (error.GetString() == said)
                        {
                            said = null;
                        }
                    }
                }
            }

            // The detail repeats a single field error: print it once, with its field.
            message.Append(said is null ? string.Join("\n  ", fieldErrors) : string.Join("\n  ", fieldErrors.Prepend(said)));
            return message.ToString();
        }
        catch (JsonException)
        {
            return $"{(int)status} {status}";
        }
    }

    public void Dispose() => _http.Dispose();
}
