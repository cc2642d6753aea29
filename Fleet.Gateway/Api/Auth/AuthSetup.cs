using Microsoft.AspNetCore.Authentication;

namespace Fleet.Gateway.Api.Auth;

/// <summary>Wires token authentication and the two authorization policies.</summary>
internal static class AuthSetup
{
    /// <summary>Any valid token: read the fleet.</summary>
    public const string Read = "read";

    /// <summary>Operator tokens only: change the fleet.</summary>
    public const string Operate = "operate";

    public static IServiceCollection AddFleetAuth(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(TokenStore.OpenOrCreate(dataDirectory));
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.RequireAuthenticatedUser())
            .AddPolicy(Operate, p => p.RequireRole(nameof(ApiRole.Operator)));
        return services;
    }
}
