using System.Text.Json;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Store;
using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Api;

/// <summary>Fleet-wide views: the summary, incidents and the audit log.</summary>
internal static class FleetEndpoints
{
    public static void MapFleet(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/fleet/summary", SummaryAsync).RequireAuthorization(AuthSetup.Read);
        app.MapGet("/api/v1/incidents", IncidentsAsync).RequireAuthorization(AuthSetup.Read);
        app.MapGet("/api/v1/audit", AuditAsync).RequireAuthorization(AuthSetup.Read);
    }

    private static async Task<IResult> SummaryAsync(FleetRuntime runtime, CancellationToken cancellationToken)
    {
        var summary = await runtime.Store.Devices.GetSummaryAsync(cancellationToken).ConfigureAwait(false);
        return Results.Ok(new
        {
            total = summary.Total,
            online = summary.Online,
            quarantined = summary.Quarantined,
            byHealth = summary.ByHealth,
            byModelVersion = summary.ByModelVersion,
            twinsLoaded = runtime.Counters.Loaded,
            shardsConnected = runtime.ConnectedShards,
            shardsHeld = runtime.HeldShards.Select(h => new { shard = h.Shard, since = h.Since, failures = h.Failures, reason = h.Reason }),
            ingest = new
            {
                reports = runtime.Counters.Reports.Value,
                telemetry = runtime.Counters.Telemetry.Value,
                events = runtime.Counters.Events.Value,
                rejected = runtime.Counters.Rejected.Value,
            },
        });
    }

    private static async Task<IResult> IncidentsAsync(FleetRuntime runtime, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 500");
        }

        if (await PageAsync(runtime, limit, after, FleetIncident.AuditTarget, cancellationToken).ConfigureAwait(false) is not { } page)
        {
            return BadCursor(after);
        }

        var items = page.Items
            .Where(e => e.Action == FleetIncident.AuditAction)
            .Select(e => JsonSerializer.Deserialize<FleetIncident>(e.DetailsJson));
        return Results.Ok(new { items, nextCursor = page.NextCursor });
    }

    private static async Task<IResult> AuditAsync(FleetRuntime runtime, int? limit, string? after, string? target, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 500");
        }

        if (await PageAsync(runtime, limit, after, target, cancellationToken).ConfigureAwait(false) is not { } page)
        {
            return BadCursor(after);
        }

        return Results.Ok(new
        {
            items = page.Items.Select(e => new { id = e.Id, time = e.Time, actor = e.Actor, action = e.Action, target = e.Target, details = JsonDocument.Parse(e.DetailsJson).RootElement.Clone() }),
            nextCursor = page.NextCursor,
        });
    }

    /// <summary>A page of the audit log, or null when <paramref name="after"/> is not a cursor the store issued (or <paramref name="target"/> is out of bounds).</summary>
    private static async Task<Store.Audit.AuditPage?> PageAsync(FleetRuntime runtime, int? limit, string? after, string? target, CancellationToken cancellationToken)
    {
        try
        {
            return await runtime.Store.Audit.ListAsync(limit ?? 50, after, target, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static IResult BadCursor(string? after) =>
        ApiProblems.Invalid("after", $"'{after}' is not a cursor from a previous page (pass nextCursor as it was returned)");
}
