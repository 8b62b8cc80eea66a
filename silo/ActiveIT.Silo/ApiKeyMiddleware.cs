using ActiveIT.Silo.Access;

namespace ActiveIT.Silo;

/// <summary>
/// Refuses any request without a known API key (problem details, 401) and attaches the <see cref="Caller"/> it
/// belongs to. The key comes in a header; a browser opening the Orleans Dashboard cannot send one, so under /dashboard
/// it may come once as <c>?api_key=KEY</c>, which sets an HttpOnly cookie limited to /dashboard for the dashboard's
/// own requests. Keys are compared and hashed, never logged.
/// </summary>
public static class ApiKeyMiddleware
{
    private const string DashboardCookie = "activeit_dashboard_key";

    /// <summary>Who is asking, as the first 16 hex digits of the key's SHA-256 (never the key: this may be logged or kept).</summary>
    public static string? KeyId(HttpContext context) => Caller.Of(context)?.KeyId;

    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!Web.Workbench.NeedsKey(context))
        {
            await next();  // the web page's shell and assets: it signs in, then calls the API with a key
            return;
        }
        var callers = context.RequestServices.GetRequiredService<Callers>();
        var dashboard = context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase);
        var given = context.Request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth[7..]
            : context.Request.Headers["X-Api-Key"].ToString();
        var fromQuery = false;
        if (given.Length == 0 && dashboard)
        {
            fromQuery = context.Request.Query["api_key"].ToString() is { Length: > 0 };
            given = fromQuery ? context.Request.Query["api_key"].ToString() : context.Request.Cookies[DashboardCookie] ?? "";
        }
        var caller = given.Length == 0 ? null : await callers.ResolveAsync(given);
        if (caller is null)
        {
            await Results.Problem(statusCode: 401, title: "API key required",
                detail: "send 'Authorization: Bearer KEY' with a key of this silo (configured in ActiveIT:ApiKeys or ACTIVEIT_API_KEYS, or created with " +
                        "`activeit keys create`); in a browser, open /dashboard?api_key=KEY").ExecuteAsync(context);
            return;
        }
        if (fromQuery)
        {
            context.Response.Cookies.Append(DashboardCookie, given, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/dashboard", Secure = context.Request.IsHttps,
            });
        }
        caller.AttachTo(context);
        await next();
    });
}
