using System.Text;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Rejections;
using Fleet.Gateway.Store.Rejections;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Api.Rejections;

/// <summary>The rejected-messages log (<c>GET /api/v1/rejections</c>): device messages acknowledged without being acted on, newest first.</summary>
internal static class RejectionEndpoints
{
    private static readonly string[] Kinds = [.. new[] { TopicKind.Report, TopicKind.Telemetry, TopicKind.Events, TopicKind.Status, TopicKind.CommandResult }.Select(RejectionRecorder.KindName), "unknown"];

    public static void MapRejections(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/rejections", ListAsync).RequireAuthorization(AuthSetup.Read);

    private static async Task<IResult> ListAsync(FleetRuntime runtime, int? limit, string? after, string? device, string? kind, string? cause, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 500");
        }

        if (device is not null && !DeviceId.IsValid(device))
        {
            return ApiProblems.Invalid("device", $"'{device}' is not a device id");
        }

        if (kind is not null && !Kinds.Contains(kind, StringComparer.Ordinal))
        {
            return ApiProblems.Invalid("kind", $"kind must be one of {string.Join(", ", Kinds)}");
        }

        if (cause is not null && !RejectionCauses.All.Contains(cause, StringComparer.Ordinal))
        {
            return ApiProblems.Invalid("cause", $"cause must be one of {string.Join(", ", RejectionCauses.All)}");
        }

        RejectionPage page;
        try
        {
            page = await runtime.Store.Rejections.ListAsync(new RejectionQuery(device, kind, cause), limit ?? 50, after, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            return ApiProblems.Invalid("after", $"'{after}' is not a cursor from a previous page (pass nextCursor as it was returned)");
        }

        return Results.Ok(new
        {
            items = page.Items.Select(r => new
            {
                id = r.Id,
                received = r.Received,
                device = r.DeviceId,
                topic = r.Topic,
                kind = r.Kind,
                cause = r.Cause,
                reason = r.Reason,
                size = r.Size,
                excerpt = Encoding.UTF8.GetString(r.Excerpt),
                excerptBase64 = Convert.ToBase64String(r.Excerpt),
            }),
            nextCursor = page.NextCursor,
        });
    }
}
