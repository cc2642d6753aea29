using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Gateway.Api;

/// <summary>problem+json answers shared by the endpoints.</summary>
/// <remarks>Every problem the gateway writes carries a <c>detail</c>: the endpoints' own, or one of <see cref="WithDetail"/>'s.</remarks>
internal static class ApiProblems
{
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    /// <summary>Fills in a detail for problems written without one (status-code pages: 401, 403, 404 of an unknown route, 405).</summary>
    public static void WithDetail(ProblemDetailsContext context)
    {
        if (!string.IsNullOrWhiteSpace(context.ProblemDetails.Detail))
        {
            return;
        }

        var request = context.HttpContext.Request;
        var what = $"{request.Method} {request.Path}";
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status401Unauthorized => "send a valid API token as 'Authorization: Bearer <token>'",
            StatusCodes.Status403Forbidden => $"this token's role may not {what} (an operator token is needed)",
            StatusCodes.Status404NotFound => $"nothing at {request.Path}",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}",
            StatusCodes.Status413PayloadTooLarge => "the request body is too large",
            StatusCodes.Status415UnsupportedMediaType => $"{what} does not accept content type '{request.ContentType}'",
            _ => context.HttpContext.Features.Get<IHttpResponseFeature>()?.ReasonPhrase ?? $"{what} was refused",
        };
    }

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unprocessable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: detail);

    public static IResult Timeout(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "No answer", detail: detail);
}
