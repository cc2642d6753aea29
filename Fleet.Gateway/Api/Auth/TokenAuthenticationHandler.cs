using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Api.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c> (or <c>?access_token=</c> for EventSource) against the <see cref="TokenStore"/>.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenStore tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FleetToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            secret = header["Bearer ".Length..].Trim();
        }
        else if (Request.Query.TryGetValue("access_token", out var query))
        {
            // Browsers cannot set headers on EventSource; the dashboard passes the token in the query.
            secret = query.ToString();
        }

        if (string.IsNullOrEmpty(secret))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = tokens.Find(secret);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown token"));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, token.Role.ToString())], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
