using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Fleet.Gateway.Api;

/// <summary>
/// Turns a request the endpoints could not even bind (a malformed body, <c>limit=abc</c>, a wrong content
/// type) into problem+json whose detail says what was wrong, instead of an empty 400.
/// </summary>
/// <remarks>Anything else that escapes an endpoint is a gateway bug: a 500 whose detail points at the log entry.</remarks>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title, detail;
        if (exception is BadHttpRequestException bad)
        {
            status = bad.StatusCode;
            title = status == StatusCodes.Status400BadRequest ? "Bad request" : "Request refused";
            detail = Describe(bad);
            RequestRefused(logger, httpContext.Request.Method, httpContext.Request.Path, detail);
        }
        else
        {
            status = StatusCodes.Status500InternalServerError;
            title = "Gateway error";
            detail = $"the gateway failed on this request (trace {httpContext.TraceIdentifier} in its log)";
            RequestFailed(logger, exception, httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    private static string Describe(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json => $"{bad.Message} {json.Message}",
        { } inner => $"{bad.Message} {inner.Message}",
        null => bad.Message,
    };

    [LoggerMessage(EventId = 1390, Level = LogLevel.Information, Message = "{Method} {Path} refused: {Detail}")]
    private static partial void RequestRefused(ILogger logger, string method, string path, string detail);

    [LoggerMessage(EventId = 1391, Level = LogLevel.Error, Message = "{Method} {Path} failed (trace {TraceId})")]
    private static partial void RequestFailed(ILogger logger, Exception exception, string method, string path, string traceId);
}
