using Fleet.Gateway.Twins;
using System.Security.Claims;
using System.Text.Json;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Hosting;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Api.Models;

/// <summary>Distillation jobs: start one from a failing version and a teacher, then follow its progress.</summary>
internal static class DistillationEndpoints
{
    private static readonly TimeSpan ActorTimeout = TimeSpan.FromSeconds(10);

    public static void MapDistillation(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/models/{id}/{version}/distill", StartAsync).RequireAuthorization(AuthSetup.Operate);
        app.MapGet("/api/v1/distillations/{jobId}", GetAsync).RequireAuthorization(AuthSetup.Read);
    }

    private static async Task<IResult> StartAsync(string id, string version, DistillRequest body, ClaimsPrincipal user, FleetRuntime runtime, FleetStoreService store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Teacher))
        {
            return ApiProblems.Invalid("teacher", "name the teacher version");
        }

        var newVersion = body.NewVersion ?? NextPatch(version);
        if (newVersion is null || DeviceId.Problem(newVersion) is not null)
        {
            return ApiProblems.Invalid("newVersion", "name the version to register (a dotted numeric version)");
        }

        foreach (var needed in new[] { version, body.Teacher })
        {
            if (await store.Store.Models.GetAsync(id, needed, cancellationToken).ConfigureAwait(false) is null)
            {
                return ApiProblems.NotFound($"model {id} {needed} is not registered");
            }
        }

        if (await store.Store.Models.GetAsync(id, newVersion, cancellationToken).ConfigureAwait(false) is not null)
        {
            return ApiProblems.Conflict($"model {id} {newVersion} is already registered");
        }

        var actor = user.Identity?.Name ?? "?";
        var job = await runtime.Distiller.AskAsync<DistillationJob>(new StartDistillation(id, version, body.Teacher, newVersion, actor), ActorTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        var details = JsonSerializer.Serialize(new Dictionary<string, string> { ["job"] = job.Id, ["teacher"] = body.Teacher, ["newVersion"] = newVersion });
        await store.Store.Audit.AppendAsync(actor, "model.distill", $"model/{id}/{version}", details, cancellationToken).ConfigureAwait(false);
        return Results.Accepted($"/api/v1/distillations/{job.Id}", job);
    }

    private static async Task<IResult> GetAsync(string jobId, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        var job = await runtime.Distiller.AskAsync<DistillationJob>(new GetDistillation(jobId), ActorTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(job, DistillationJob.None) ? ApiProblems.NotFound($"distillation {jobId} is not known") : Results.Ok(job);
    }

    private static string? NextPatch(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 1 && int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last)
            ? string.Join('.', parts[..^1].Append((last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : null;
    }
}
