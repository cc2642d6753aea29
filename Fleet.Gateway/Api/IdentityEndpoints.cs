using System.Security.Claims;
using Fleet.Gateway.Api.Auth;

namespace Fleet.Gateway.Api;

/// <summary><c>GET /api/v1/whoami</c>: which token the caller holds; the CLI uses it to check its login.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentity(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/whoami", (ClaimsPrincipal user) => Results.Ok(new
        {
            name = user.Identity?.Name,
            role = user.IsInRole(nameof(ApiRole.Operator)) ? "operator" : "readOnly",
        })).RequireAuthorization(AuthSetup.Read);
}
