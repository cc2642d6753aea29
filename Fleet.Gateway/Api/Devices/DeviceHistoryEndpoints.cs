using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Api.Devices;

/// <summary>
/// What a twin remembers beyond its state, for the dashboard (reads): the recent telemetry windows
/// (<c>/metrics</c>) and the output excerpts of the latest heal that carried them (<c>/waveforms</c>).
/// </summary>
internal static class DeviceHistoryEndpoints
{
    private static readonly TimeSpan TwinTimeout = TimeSpan.FromSeconds(15);

    public static void MapDeviceHistory(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/v1/devices");
        devices.MapGet("/{id}/metrics", MetricsAsync).RequireAuthorization(AuthSetup.Read);
        devices.MapGet("/{id}/waveforms", WaveformsAsync).RequireAuthorization(AuthSetup.Read);
    }

    private static async Task<IResult> MetricsAsync(string id, int? points, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (points is < 1 or > TelemetryHistory.DefaultCapacity)
        {
            return ApiProblems.Invalid("points", $"points must be between 1 and {TelemetryHistory.DefaultCapacity}");
        }

        if (await UnknownAsync(id, runtime, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return problem;
        }

        var count = points ?? TelemetryHistory.DefaultCapacity;
        var history = await runtime.Devices.AskTwinAsync<MetricPoint[]>(new GetMetricHistory(id, count), TwinTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return history is null
            ? ApiProblems.Timeout($"the twin of {id} did not answer")
            : Results.Ok(new { id, capacity = TelemetryHistory.DefaultCapacity, points = history.Select(MetricPointView.Of) });
    }

    private static async Task<IResult> WaveformsAsync(string id, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (await UnknownAsync(id, runtime, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return problem;
        }

        if (await runtime.Devices.AskTwinAsync<LatestWaveforms>(new GetWaveforms(id), TwinTimeout, runtime.Time, cancellationToken).ConfigureAwait(false) is not { } latest)
        {
            return ApiProblems.Timeout($"the twin of {id} did not answer");
        }

        var waveforms = latest.Heal;
        // No excerpts yet is an answer, not an error: the page shows "none yet" without a failed request.
        return Results.Ok(waveforms is null
            ? new { id, heal = (object?)null }
            : new
            {
                id,
                heal = (object?)new
                {
                    id = waveforms.HealId,
                    time = waveforms.Time,
                    diagnosis = waveforms.Diagnosis,
                    outcome = waveforms.Outcome,
                    sampleRate = waveforms.SampleRate,
                    encoding = "pcm_s16le",
                    clean = waveforms.Clean,
                    corrupted = waveforms.Corrupted,
                },
            });
    }

    private static async Task<IResult?> UnknownAsync(string id, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (DeviceId.Problem(id) is { } problem)
        {
            return ApiProblems.Invalid("id", problem);
        }

        // Checked in the store first, so a mistyped id does not start a twin.
        return await runtime.Store.Devices.GetAsync(id, cancellationToken).ConfigureAwait(false) is null
            ? ApiProblems.NotFound($"device {id} is not registered")
            : null;
    }
}
