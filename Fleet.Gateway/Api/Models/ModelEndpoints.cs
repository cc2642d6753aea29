using System.Security.Claims;
using System.Text.Json;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Models;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Store;
using Fleet.Gateway.Registry;

namespace Fleet.Gateway.Api.Models;

/// <summary>
/// The model registry: upload (validated in ONNX Runtime on its golden set, then signed with the fleet key), list, get,
/// download; and the fleet's public key.
/// </summary>
internal static class ModelEndpoints
{
    private const int MaxArtifactBytes = 256 * 1024 * 1024;

    public static void MapModels(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/models");
        models.MapGet("", ListAsync).RequireAuthorization(AuthSetup.Read);
        models.MapGet("/{id}", VersionsAsync).RequireAuthorization(AuthSetup.Read);
        models.MapGet("/{id}/{version}", GetAsync).RequireAuthorization(AuthSetup.Read);

        // Devices download artifacts without an API token: the signature, checked against the fleet key, is what they trust.
        models.MapGet("/{id}/{version}/artifact", ArtifactAsync).AllowAnonymous();
        models.MapPut("/{id}/{version}", UploadAsync).RequireAuthorization(AuthSetup.Operate);
        app.MapGet("/api/v1/fleet/key", (ModelRegistry registry) => Results.Text(registry.PublicKeyPem, "application/x-pem-file")).AllowAnonymous();
    }

    private static async Task<IResult> ListAsync(FleetStoreService store, GatewayUrls urls, CancellationToken cancellationToken)
    {
        var items = new List<object>();
        foreach (var id in await store.Store.Models.ListModelIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var model in await store.Store.Models.ListVersionsAsync(id, cancellationToken).ConfigureAwait(false))
            {
                items.Add(View(model, urls));
            }
        }

        return Results.Ok(new { items });
    }

    private static async Task<IResult> VersionsAsync(string id, FleetStoreService store, GatewayUrls urls, CancellationToken cancellationToken)
    {
        var versions = await store.Store.Models.ListVersionsAsync(id, cancellationToken).ConfigureAwait(false);
        return versions.Count == 0 ? ApiProblems.NotFound($"model {id} is not registered") : Results.Ok(new { items = versions.Select(m => View(m, urls)) });
    }

    private static async Task<IResult> GetAsync(string id, string version, FleetStoreService store, GatewayUrls urls, CancellationToken cancellationToken) =>
        await store.Store.Models.GetAsync(id, version, cancellationToken).ConfigureAwait(false) is { } model
            ? Results.Ok(View(model, urls))
            : ApiProblems.NotFound($"model {id} {version} is not registered");

    private static async Task<IResult> ArtifactAsync(string id, string version, FleetStoreService store, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await store.Store.Models.GetAsync(id, version, cancellationToken).ConfigureAwait(false) is not { } model
            || await registry.ReadArtifactAsync(model, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return ApiProblems.NotFound($"model {id} {version} has no artifact here");
        }

        return Results.File(bytes, "application/octet-stream", $"{id}-{version}.onnx");
    }

    private static async Task<IResult> UploadAsync(
        string id, string version, string? parent, HttpRequest request, ClaimsPrincipal user, ModelRegistry registry, FleetStoreService store, GatewayUrls urls, CancellationToken cancellationToken)
    {
        if (DeviceId.Problem(id, "model id") is { } idProblem)
        {
            return ApiProblems.Invalid("id", idProblem);
        }

        if (DeviceId.Problem(version, "model version") is { } versionProblem)
        {
            return ApiProblems.Invalid("version", versionProblem);
        }

        var (artifact, goldenJson, problem) = await ReadUploadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return ApiProblems.Invalid("body", problem);
        }

        GoldenSet? golden = null;
        if (goldenJson is not null)
        {
            (golden, var goldenProblem) = ModelArtifacts.ParseGolden(goldenJson);
            if (golden is null)
            {
                return ApiProblems.Invalid("golden", "not a golden set: " + goldenProblem);
            }
        }

        if (await store.Store.Models.GetAsync(id, version, cancellationToken).ConfigureAwait(false) is not null)
        {
            return ApiProblems.Conflict($"model {id} {version} is already registered");
        }

        // Whatever the client checked: the gateway runs the model in ONNX Runtime on its golden set before registering it.
        var check = await Task.Run(() => ModelArtifacts.Validate(id, version, artifact!, golden), cancellationToken).ConfigureAwait(false);
        if (!check.Accepted)
        {
            return ApiProblems.Unprocessable($"model {id} {version} refused, nothing was registered: {check.Problem}");
        }

        var (status, model) = await registry.AddAsync(id, version, parent, artifact!, check.MetricsJson, "{}", goldenJson, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case ModelAddStatus.AlreadyExists:
                return ApiProblems.Conflict($"model {id} {version} is already registered");
            case ModelAddStatus.ParentMissing:
                return ApiProblems.Invalid("parent", $"parent version {parent} of {id} is not registered");
        }

        var details = JsonSerializer.Serialize(new Dictionary<string, string?> { ["sha256"] = model!.Sha256, ["parent"] = parent, ["golden"] = check.Message });
        await store.Store.Audit.AppendAsync(user.Identity?.Name ?? "?", "model.upload", $"model/{id}/{version}", details, cancellationToken).ConfigureAwait(false);
        return Results.Created($"/api/v1/models/{id}/{version}", View(model, urls));
    }

    /// <summary>The artifact, and the golden set when the upload is multipart (parts <c>model</c> and <c>golden</c>); else the body is the artifact.</summary>
    private static async Task<(byte[]? Artifact, string? GoldenJson, string? Problem)> ReadUploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        byte[] artifact;
        string? golden = null;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (null, null, "not a readable multipart upload: " + ex.Message);
            }

            if (form.Files.GetFile("model") is not { } file)
            {
                return (null, null, "a multipart upload needs a 'model' part (and optionally 'golden')");
            }

            artifact = await ReadAsync(file.OpenReadStream(), cancellationToken).ConfigureAwait(false);
            if (form.Files.GetFile("golden") is { } goldenFile)
            {
                using var reader = new StreamReader(goldenFile.OpenReadStream());
                golden = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (form.TryGetValue("golden", out var goldenText) && goldenText.Count > 0)
            {
                golden = goldenText[0];
            }
        }
        else
        {
            artifact = await ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        }

        return artifact.Length is 0 or > MaxArtifactBytes
            ? (null, null, $"the artifact must be 1 byte to {MaxArtifactBytes} bytes (got {artifact.Length})")
            : (artifact, golden, null);
    }

    private static async Task<byte[]> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    private static object View(ModelRecord model, GatewayUrls urls) => new
    {
        id = model.ModelId,
        version = model.Version,
        sha256 = model.Sha256,
        signature = model.Signature,
        parentVersion = model.ParentVersion,
        created = model.Created,
        url = urls.Artifact(model.ModelId, model.Version),
        metrics = JsonDocument.Parse(model.MetricsJson).RootElement.Clone(),
        card = JsonDocument.Parse(model.CardJson).RootElement.Clone(),
    };
}
