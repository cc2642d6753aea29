using Fleet.Gateway.Twins;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Store.Rollouts;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Api.Rollouts;

/// <summary>
/// Staged rollouts: start one (operator), list and read them (any token), pause, resume or abort one (operator, audited).
/// The contract is shared with the dashboard; every change is also on the event stream as <c>rollout</c>.
/// </summary>
internal static class RolloutEndpoints
{
    private const int MaxDevices = 100_000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapRollouts(this IEndpointRouteBuilder app)
    {
        var rollouts = app.MapGroup("/api/v1/rollouts");
        rollouts.MapPost("", StartAsync).RequireAuthorization(AuthSetup.Operate);
        rollouts.MapGet("", ListAsync).RequireAuthorization(AuthSetup.Read);
        rollouts.MapGet("/{id}", GetAsync).RequireAuthorization(AuthSetup.Read);
        rollouts.MapPost("/{id}/pause", (string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RolloutReason? body, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken ct) =>
            ChangeAsync(id, RolloutAction.Pause, body, user, runtime, ct)).RequireAuthorization(AuthSetup.Operate);
        rollouts.MapPost("/{id}/resume", (string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RolloutReason? body, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken ct) =>
            ChangeAsync(id, RolloutAction.Resume, body, user, runtime, ct)).RequireAuthorization(AuthSetup.Operate);
        rollouts.MapPost("/{id}/abort", (string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RolloutReason? body, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken ct) =>
            ChangeAsync(id, RolloutAction.Abort, body, user, runtime, ct)).RequireAuthorization(AuthSetup.Operate);
    }

    private static async Task<IResult> StartAsync(RolloutRequest body, ClaimsPrincipal user, FleetRuntime runtime, GatewayOptions options, CancellationToken cancellationToken)
    {
        if (Invalid(body) is { } problem)
        {
            return problem;
        }

        var policy = (body.Policy ?? new RolloutPolicyBody()).ApplyTo(options.Rollouts.Defaults);
        if (policy.Validate() is { Count: > 0 } problems)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["policy"] = [.. problems] });
        }

        var start = new StartRollout(body.ModelId!, body.Version!, policy, body.Devices, user.Identity?.Name ?? "?");
        var result = await runtime.Rollouts.AskAsync<RolloutStartResult>(start, StartTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Status: RolloutRequestStatus.Done, View: { } view } => Results.Created($"/api/v1/rollouts/{view.Id}", view),
            { Status: RolloutRequestStatus.NotFound } => ApiProblems.NotFound(result.Problem ?? "not found"),
            _ => ApiProblems.Conflict(result.Problem ?? "conflict"),
        };
    }

    private static IResult? Invalid(RolloutRequest? body)
    {
        if (body is null)
        {
            return ApiProblems.Invalid("body", "send { modelId, version, policy?, devices? }");
        }

        if (DeviceId.Problem(body.ModelId, "model id") is { } modelProblem)
        {
            return ApiProblems.Invalid("modelId", body.ModelId is null ? "modelId is required" : modelProblem);
        }

        if (DeviceId.Problem(body.Version, "model version") is { } versionProblem)
        {
            return ApiProblems.Invalid("version", body.Version is null ? "version is required" : versionProblem);
        }

        if (body.Devices is { } devices)
        {
            if (devices.Count is 0 or > MaxDevices)
            {
                return ApiProblems.Invalid("devices", $"name 1 … {MaxDevices} devices, or leave devices out for the whole fleet");
            }

            var bad = devices.FirstOrDefault(d => d is null || DeviceId.Problem(d) is not null);
            if (bad is not null || devices.Any(d => d is null))
            {
                return ApiProblems.Invalid("devices", $"not a device id: '{bad}'");
            }
        }

        return null;
    }

    private static async Task<IResult> ListAsync(string? state, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        var states = new List<RolloutState>();
        if (!string.IsNullOrEmpty(state))
        {
            foreach (var name in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<RolloutState>(name, ignoreCase: true, out var parsed) || int.TryParse(name, out _))
                {
                    return ApiProblems.Invalid("state", $"'{name}' is not one of pending, running, paused, aborted, completed, rolledBack");
                }

                states.Add(parsed);
            }
        }

        var records = await runtime.Store.Rollouts.ListAsync(states, cancellationToken).ConfigureAwait(false);
        var live = await LiveAsync(runtime, cancellationToken).ConfigureAwait(false);
        var items = new List<RolloutView>(records.Count);
        foreach (var record in records)
        {
            items.Add(await RolloutReader.ViewAsync(runtime.Store, record, live, cancellationToken).ConfigureAwait(false));
        }

        return Results.Ok(new { items });
    }

    private static async Task<IResult> GetAsync(string id, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (DeviceId.Problem(id) is not null || await runtime.Store.Rollouts.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return ApiProblems.NotFound($"rollout {id} is not known");
        }

        var live = await LiveAsync(runtime, cancellationToken).ConfigureAwait(false);
        var view = await RolloutReader.ViewAsync(runtime.Store, record, live, cancellationToken).ConfigureAwait(false);
        var results = await runtime.Store.Rollouts.ListDeviceResultsAsync(id, cancellationToken).ConfigureAwait(false);
        var body = JsonSerializer.SerializeToNode(view, Json)!.AsObject();
        body["results"] = JsonSerializer.SerializeToNode(RolloutViews.Results(results), Json);
        return Results.Content(body.ToJsonString(), "application/json");
    }

    private static async Task<IResult> ChangeAsync(string id, RolloutAction action, RolloutReason? body, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (body?.Reason is { Length: > 500 })
        {
            return ApiProblems.Invalid("reason", "at most 500 characters");
        }

        if (DeviceId.Problem(id) is not null || await runtime.Store.Rollouts.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound($"rollout {id} is not known");
        }

        var change = new ChangeRollout(id, action, body?.Reason, user.Identity?.Name ?? "?");
        var result = await runtime.Rollouts.AskAsync<RolloutChangeResult>(change, ChangeTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Status: RolloutRequestStatus.Done, View: { } view } => Results.Ok(view),
            { Status: RolloutRequestStatus.NotFound } => ApiProblems.Conflict($"rollout {id} has ended"),
            _ => ApiProblems.Conflict(result.Problem ?? "conflict"),
        };
    }

    private static Task<IReadOnlyDictionary<string, RolloutView>> LiveAsync(FleetRuntime runtime, CancellationToken cancellationToken) =>
        runtime.Rollouts.AskAsync<IReadOnlyDictionary<string, RolloutView>>(GetRolloutViews.Instance, ReadTimeout, runtime.Time, cancellationToken);
}
