using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Access;

/// <summary>
/// The silo's authentication scheme: a known API key becomes a principal carrying its <see cref="Caller"/>. The key comes
/// in "Authorization: Bearer KEY" or "X-Api-Key: KEY"; a browser opening the Orleans Dashboard cannot send one, so under
/// /dashboard it may come once as <c>?api_key=KEY</c>, which sets an HttpOnly cookie limited to /dashboard for the
/// dashboard's own requests. A challenge (no key, or one the silo does not know) answers 401 problem details. Keys are
/// compared and hashed, never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Callers callers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string DashboardCookie = "activeit_dashboard_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = Request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth[7..]
            : Request.Headers["X-Api-Key"].ToString();
        var fromQuery = false;
        if (given.Length == 0 && Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
        {
            fromQuery = Request.Query["api_key"].ToString() is { Length: > 0 };
            given = fromQuery ? Request.Query["api_key"].ToString() : Request.Cookies[DashboardCookie] ?? "";
        }
        if (given.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (await callers.ResolveAsync(given) is not { } caller)
        {
            return AuthenticateResult.Fail("not a key of this silo");  // the framework logs this message: never the key
        }
        if (fromQuery)
        {
            Response.Cookies.Append(DashboardCookie, given, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/dashboard", Secure = Request.IsHttps,
            });
        }
        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(Scheme.Name), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: 401, title: "API key required",
            detail: "send 'Authorization: Bearer KEY' with a key of this silo (configured in ActiveIT:ApiKeys or ACTIVEIT_API_KEYS, or created with " +
                    "`activeit keys create`); in a browser, open /dashboard?api_key=KEY").ExecuteAsync(Context);
    }
}
