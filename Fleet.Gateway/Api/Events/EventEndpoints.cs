using System.Text;
using System.Text.Json;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;
using Fleet.Gateway.Supervision;

namespace Fleet.Gateway.Api.Events;

/// <summary>
/// <c>GET /api/v1/events</c>: Server-Sent Events of twin changes and incidents for live views. EventSource cannot
/// set headers, so the token may come as <c>?access_token=</c>.
/// </summary>
internal static class EventEndpoints
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", StreamAsync).RequireAuthorization(AuthSetup.Read);

    /// <remarks>With <c>?device=ID</c> the stream carries only that device's <c>metrics</c> and <c>waveforms</c> events.</remarks>
    private static async Task StreamAsync(HttpContext context, FleetEventFeed feed, IHostApplicationLifetime lifetime, string? device)
    {
        if (device is not null && Fleet.Shared.Protocol.DeviceId.Problem(device) is { } problem)
        {
            await ApiProblems.Invalid("device", problem).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        // End the stream when the gateway stops, so shutdown is not held up by open browsers (they reconnect).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        using var subscription = feed.Subscribe(device);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        // "retry" tells EventSource how soon to reconnect; "hello" lets the page know the stream is live (then it re-reads the snapshot).
        await response.WriteAsync("retry: 2000\nevent: hello\ndata: {}\n\n", cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        var builder = new StringBuilder();
        long dropped = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(Heartbeat);
                bool ready;
                try
                {
                    ready = await subscription.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!ready)
                {
                    return;
                }

                builder.Clear();
                while (builder.Length < 64 * 1024 && subscription.Reader.TryRead(out var change))
                {
                    Append(builder, change);
                }

                // This browser fell behind and lost events: tell it to re-read the snapshot.
                if (subscription.Dropped != dropped)
                {
                    dropped = subscription.Dropped;
                    builder.Append("event: resync\ndata: {}\n\n");
                }

                await response.WriteAsync(builder.ToString(), cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away or the gateway is stopping.
        }
    }

    private static void Append(StringBuilder builder, FleetEvent change)
    {
        var data = change switch
        {
            TwinChanged twin => JsonSerializer.Serialize(new { id = twin.DeviceId, shard = twin.Shard, health = twin.Health, online = twin.Online, modelVersion = twin.ModelVersion, quarantined = twin.Quarantined, lastSeen = twin.LastSeen }, Json),
            IncidentRaised incident => JsonSerializer.Serialize(incident.Incident, Json),
            MetricsRecorded metrics => JsonSerializer.Serialize(new { id = metrics.DeviceId, point = Devices.MetricPointView.Of(metrics.Point) }, Json),
            WaveformsRecorded waveforms => JsonSerializer.Serialize(new { id = waveforms.DeviceId, healId = waveforms.HealId }, Json),
            Fleet.Gateway.Rollouts.RolloutChanged rollout => JsonSerializer.Serialize(rollout.View, Json),
            _ => "{}",
        };
        builder.Append("event: ").Append(change.Name).Append("\ndata: ").Append(data).Append("\n\n");
    }
}
