using System.Security.Claims;
using System.Text.Json;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Store;
using Fleet.Gateway.Registry;

namespace Fleet.Gateway.Api.Devices;

/// <summary>Devices: list and detail (reads), desired state, commands, quarantine (operator writes, audited).</summary>
internal static class DeviceEndpoints
{
    private static readonly TimeSpan TwinTimeout = TimeSpan.FromSeconds(15);

    public static void MapDevices(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/v1/devices");
        devices.MapGet("", ListAsync).RequireAuthorization(AuthSetup.Read);
        devices.MapGet("/{id}", GetAsync).RequireAuthorization(AuthSetup.Read);
        devices.MapPut("/{id}/desired", SetDesiredAsync).RequireAuthorization(AuthSetup.Operate);
        devices.MapPost("/{id}/commands", CommandAsync).RequireAuthorization(AuthSetup.Operate);
        devices.MapPost("/{id}/quarantine", QuarantineAsync).RequireAuthorization(AuthSetup.Operate);
        devices.MapPost("/{id}/release", ReleaseAsync).RequireAuthorization(AuthSetup.Operate);
        devices.MapPost("/{id}/provision", ProvisionAsync).RequireAuthorization(AuthSetup.Operate);
    }

    private static async Task<IResult> ProvisionAsync(string id, bool? rotate, string? credentials, ClaimsPrincipal user, Provisioning.DeviceProvisioner provisioner, CancellationToken cancellationToken)
    {
        if (DeviceId.Problem(id) is { } problem)
        {
            return ApiProblems.Invalid("id", problem);
        }

        if (id == Broker.BrokerAuthFiles.GatewayUser)
        {
            return ApiProblems.Invalid("id", "that id is the gateway's own broker user");
        }

        if (credentials is not (null or "password" or "certificate"))
        {
            return ApiProblems.Invalid("credentials", "credentials must be password or certificate");
        }

        var (status, bundle) = await provisioner.ProvisionAsync(id, rotate ?? false, credentials == "certificate", user.Identity?.Name ?? "?", cancellationToken).ConfigureAwait(false);
        return status == Provisioning.ProvisionStatus.AlreadyProvisioned
            ? ApiProblems.Conflict($"device {id} already exists; pass rotate=true to issue new credentials")
            : Results.Created($"/api/v1/devices/{id}", bundle);
    }

    private static async Task<IResult> ListAsync(
        FleetRuntime runtime, GatewayOptions options, string? health, string? model, int? shard, bool? online, bool? quarantined, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 1000");
        }

        if (shard is { } s && (s < 0 || s >= options.ShardCount))
        {
            return ApiProblems.Invalid("shard", $"shard must be between 0 and {options.ShardCount - 1}");
        }

        if (health is not null && health is not ("healthy" or "degraded" or "healing" or "unhealable" or FleetSummary.Unknown))
        {
            return ApiProblems.Invalid("health", "health must be healthy, degraded, healing, unhealable or unknown");
        }

        DevicePage page;
        try
        {
            page = await runtime.Store.Devices.ListAsync(new DeviceQuery(limit ?? 100, after, health, model, shard, online, quarantined), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.Invalid("after", ex.Message);
        }

        return Results.Ok(new { items = page.Items.Select(View), nextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetAsync(string id, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (DeviceId.Problem(id) is { } problem)
        {
            return ApiProblems.Invalid("id", problem);
        }

        var device = await runtime.Store.Devices.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (device is null)
        {
            return ApiProblems.NotFound($"device {id} is not registered");
        }

        var twin = await runtime.Devices.AskTwinAsync<TwinSnapshot>(new GetTwin(id), TwinTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        var heals = await runtime.Store.HealEvents.ListByDeviceAsync(id, 20, null, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new
        {
            device = View(device),
            twin = twin is null ? null : new
            {
                desired = Json(twin.DesiredJson),
                desiredVersion = twin.DesiredVersion,
                reported = Json(twin.ReportedJson),
                delta = twin.Delta,
                online = twin.Online,
                lastSeen = twin.LastSeen,
                quarantined = twin.Quarantined,
                quarantineReason = twin.QuarantineReason,
                metrics = twin.Health,
                lastUpdate = Json(twin.LastUpdateJson),
                lastValidation = Json(twin.LastValidationJson),
                supervision = twin.Supervision,
            },
            heals = heals.Items.Select(h => new
            {
                id = h.EventId,
                time = h.Time,
                deviceTime = h.DeviceTime,
                diagnosis = h.Diagnosis,
                trigger = h.Trigger,
                outcome = h.Outcome,
                remediation = h.Remediation,
                modelVersion = h.ModelVersion,
                rungs = Json(h.RungsJson),
            }),
        });
    }

    private static async Task<IResult> SetDesiredAsync(string id, DesiredRequest? body, ClaimsPrincipal user, FleetRuntime runtime, GatewayUrls urls, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ApiProblems.Invalid("body", "a JSON body is required");
        }

        if (body.ExpectedVersion is not { } expected || expected < 0)
        {
            return ApiProblems.Invalid("expectedVersion", "expectedVersion (the desired version you last saw; 0 for none) is required and not negative");
        }

        if (body.Model is null && body.Thresholds is null)
        {
            return ApiProblems.Invalid("model", "set a model, thresholds or both");
        }

        if (body.Thresholds is { } t && (t.KlMax is <= 0 || t.InputShiftMax is <= 0))
        {
            return ApiProblems.Invalid("thresholds", "thresholds must be positive");
        }

        ModelManifest? manifest = null;
        if (body.Model is { } model)
        {
            if (string.IsNullOrWhiteSpace(model.Id) || string.IsNullOrWhiteSpace(model.Version))
            {
                return ApiProblems.Invalid("model", "model.id and model.version are required");
            }

            var registered = await runtime.Store.Models.GetAsync(model.Id, model.Version, cancellationToken).ConfigureAwait(false);
            manifest = registered is null ? null : ModelManifests.For(registered, urls.Artifact, model.AllowRollback);
            if (manifest is null)
            {
                return ApiProblems.Invalid("model", $"model {model.Id} {model.Version} is not registered (push it first)");
            }
        }

        var thresholds = body.Thresholds is { } th ? new ThresholdSettings { KlMax = th.KlMax, InputShiftMax = th.InputShiftMax } : null;
        var actor = user.Identity?.Name ?? "?";
        var outcome = await runtime.Devices.AskTwinAsync<DesiredOutcome>(new SetDesired(id, expected, manifest, thresholds, actor), TwinTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return outcome?.Status switch
        {
            DesiredStatus.Written => Results.Ok(new { version = outcome.Version }),
            DesiredStatus.VersionConflict => ApiProblems.Conflict($"desired state is at version {outcome.Version}, not {expected}; read it again and retry"),
            DesiredStatus.Quarantined => ApiProblems.Unprocessable($"device {id} is quarantined: release it before sending it a model"),
            DesiredStatus.UnknownDevice => ApiProblems.NotFound($"device {id} is not registered"),
            _ => ApiProblems.Timeout($"the twin of {id} did not answer"),
        };
    }

    private static async Task<IResult> CommandAsync(string id, CommandRequestBody? body, ClaimsPrincipal user, FleetRuntime runtime, GatewayOptions options, CancellationToken cancellationToken)
    {
        if (body?.Name is not { } name || name is not (CommandNames.RestartModel or CommandNames.Validate or CommandNames.Rollback or CommandNames.ReportNow or CommandNames.InjectFault))
        {
            return ApiProblems.Invalid("name", "name must be restartModel, validate, rollback, reportNow or injectFault");
        }

        if (body.Args is { } args && args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return ApiProblems.Invalid("args", "args must be an object");
        }

        if (body.TimeoutSeconds is <= 0 or > 300)
        {
            return ApiProblems.Invalid("timeoutSeconds", "timeoutSeconds must be in (0, 300]");
        }

        if (await runtime.Store.Devices.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound($"device {id} is not registered");
        }

        var timeout = body.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.CommandTimeout;
        var argsValue = body.Args is { ValueKind: JsonValueKind.Object } a ? a : (JsonElement?)null;
        await runtime.Store.Audit.AppendAsync(user.Identity?.Name ?? "?", "device.command." + name, id, JsonSerializer.Serialize(new { args = argsValue }), cancellationToken).ConfigureAwait(false);
        CommandResult? result;
        try
        {
            result = await runtime.Devices.AskTwinAsync<CommandResult>(new SendCommand(id, name, argsValue), timeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Not sent", detail: ex.Message);
        }

        return result is null
            ? ApiProblems.Timeout($"device {id} did not answer {name} within {timeout.TotalSeconds} s (is it online?)")
            : Results.Ok(new { id = result.Id, ok = result.Ok, result = result.Result, error = result.Error });
    }

    private static async Task<IResult> QuarantineAsync(string id, QuarantineRequestBody? body, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body?.Reason))
        {
            return ApiProblems.Invalid("reason", "a reason is required");
        }

        return await SetQuarantineAsync(id, body.Reason, user, runtime, cancellationToken).ConfigureAwait(false);
    }

    private static Task<IResult> ReleaseAsync(string id, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken cancellationToken) =>
        SetQuarantineAsync(id, null, user, runtime, cancellationToken);

    private static async Task<IResult> SetQuarantineAsync(string id, string? reason, ClaimsPrincipal user, FleetRuntime runtime, CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "?";
        var changed = await runtime.Devices.AskTwinAsync<bool>(new SetQuarantine(id, reason, actor), TwinTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        return changed ? Results.Ok(new { quarantined = reason is not null, reason }) : ApiProblems.NotFound($"device {id} is not registered");
    }

    private static JsonElement? Json(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static object View(DeviceRecord d) => new
    {
        id = d.Id,
        shard = d.Shard,
        online = d.Online,
        lastSeen = d.LastSeen,
        health = d.Health,
        modelVersion = d.ModelVersion,
        quarantined = d.Quarantined,
        quarantineReason = d.QuarantineReason,
        created = d.Created,
        credentials = d.Credentials.ToString().ToLowerInvariant(),
        labels = d.Labels,
    };
}
