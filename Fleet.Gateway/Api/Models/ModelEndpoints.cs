using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
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
/// download; and the fleet's public key. Artifacts and golden sets live in the fleet store, so any node serves any model.
/// </summary>
/// <remarks>
/// One size limit: an artifact is at most <see cref="StoreLimits.MaxArtifactBytes"/> (64 MiB), a golden set at most
/// <see cref="StoreLimits.MaxGoldenSetBytes"/> (8 MiB); anything larger is refused with 413 before it is buffered whole.
/// </remarks>
internal static class ModelEndpoints
{
    /// <summary>The largest upload body: an artifact, its golden set and the multipart framing around them.</summary>
    private const long MaxUploadBytes = (long)StoreLimits.MaxArtifactBytes + StoreLimits.MaxGoldenSetBytes + (64 * 1024);

    private const int CopyChunkBytes = 81_920;

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
            return problem;
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

    /// <summary>
    /// The artifact, and the golden set when the upload is multipart (parts <c>model</c> and <c>golden</c>); else the body is
    /// the artifact. Each is read into one array of its announced size (a chunked body grows a buffer up to the limit);
    /// an artifact or golden set over its limit is a 413 problem, an unreadable body a 400 one.
    /// </summary>
    private static async Task<(byte[]? Artifact, string? GoldenJson, IResult? Problem)> ReadUploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // Kestrel's default (about 28.6 MiB) is below the registry's limit; the endpoint enforces its own.
            bodyLimit.MaxRequestBodySize = MaxUploadBytes;
        }

        if (request.ContentLength > (request.HasFormContentType ? MaxUploadBytes : StoreLimits.MaxArtifactBytes))
        {
            return (null, null, ArtifactTooLarge($"the upload is {request.ContentLength} bytes"));
        }

        try
        {
            if (!request.HasFormContentType)
            {
                var body = await ReadLimitedAsync(request.Body, request.ContentLength, StoreLimits.MaxArtifactBytes, cancellationToken).ConfigureAwait(false);
                return body is null ? (null, null, ArtifactTooLarge($"the model artifact is more than {StoreLimits.MaxArtifactBytes} bytes"))
                    : body.Length == 0 ? (null, null, ApiProblems.Invalid("body", "the artifact is empty: send the model package or ONNX file as the body"))
                    : (body, null, null);
            }

            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            if (form.Files.GetFile("model") is not { } file)
            {
                return (null, null, ApiProblems.Invalid("body", "a multipart upload needs a 'model' part (and optionally 'golden')"));
            }

            if (file.Length > StoreLimits.MaxArtifactBytes)
            {
                return (null, null, ArtifactTooLarge($"the model artifact is {file.Length} bytes"));
            }

            var artifact = await ReadLimitedAsync(file.OpenReadStream(), file.Length, StoreLimits.MaxArtifactBytes, cancellationToken).ConfigureAwait(false);
            if (artifact is not { Length: > 0 })
            {
                return (null, null, ApiProblems.Invalid("model", "the 'model' part is empty"));
            }

            string? golden = null;
            if (form.Files.GetFile("golden") is { } goldenFile)
            {
                if (goldenFile.Length > StoreLimits.MaxGoldenSetBytes)
                {
                    return (null, null, GoldenTooLarge(goldenFile.Length));
                }

                using var reader = new StreamReader(goldenFile.OpenReadStream());
                golden = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (form.TryGetValue("golden", out var goldenText) && goldenText.Count > 0)
            {
                golden = goldenText[0];
                if (golden?.Length > StoreLimits.MaxGoldenSetBytes)
                {
                    return (null, null, GoldenTooLarge(golden.Length));
                }
            }

            return (artifact, golden, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, ArtifactTooLarge($"the upload is more than {MaxUploadBytes} bytes"));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, null, ApiProblems.Invalid("body", "not a readable upload: " + ex.Message));
        }
    }

    /// <summary>The stream's bytes in one array (sized from <paramref name="length"/> when known); null when there are more than <paramref name="max"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream stream, long? length, int max, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            if (length is { } known)
            {
                if (known > max)
                {
                    return null;
                }

                var exact = new byte[known];
                await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
                return exact;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[CopyChunkBytes];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static IResult ArtifactTooLarge(string what) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Too large",
        detail: $"{what}; the registry takes artifacts of at most {StoreLimits.MaxArtifactBytes / (1024 * 1024)} MiB ({StoreLimits.MaxArtifactBytes} bytes)");

    private static IResult GoldenTooLarge(long size) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Too large",
        detail: $"the golden set is {size} bytes; the registry takes golden sets of at most {StoreLimits.MaxGoldenSetBytes / (1024 * 1024)} MiB ({StoreLimits.MaxGoldenSetBytes} bytes)");

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
