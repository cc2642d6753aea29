namespace Fleet.Gateway.Api;

/// <summary>problem+json answers shared by the endpoints.</summary>
internal static class ApiProblems
{
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unprocessable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: detail);

    public static IResult Timeout(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "No answer", detail: detail);
}
