using ActiveIT.Grains.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ActiveIT.Silo.Access;

/// <summary>
/// Who may call what, on ASP.NET Core's authentication and authorization: the <see cref="ApiKeyAuthenticationHandler"/>
/// scheme, a policy per role ("reader", "researcher", "admin"), and as default and fallback policy the rule by method,
/// so an endpoint without metadata, and a path no endpoint takes, still needs a key. Only <c>AllowAnonymous</c> opens one.
/// </summary>
public static class RolePolicies
{
    public static string Name(Role role) => role.ToString().ToLowerInvariant();

    public static WebApplicationBuilder AddApiKeyAccess(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        var byMethod = Policy(role: null);
        var authorization = builder.Services.AddAuthorizationBuilder().SetDefaultPolicy(byMethod).SetFallbackPolicy(byMethod);
        foreach (var role in Enum.GetValues<Role>())
        {
            authorization.AddPolicy(Name(role), Policy(role));
        }
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessProblems>();
        return builder;
    }

    /// <summary>The endpoint needs <paramref name="role"/> (or above) whatever its method.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Name(role));

    private static AuthorizationPolicy Policy(Role? role) =>
        new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new RoleRequirement(role)).Build();
}
