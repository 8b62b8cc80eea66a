using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// Refuses any request without a configured API key (problem details, 401). The key comes in a header; a browser
/// opening the Orleans Dashboard cannot send one, so under /dashboard it may come once as <c>?api_key=KEY</c>, which
/// sets an HttpOnly cookie limited to /dashboard for the dashboard's own requests.
/// </summary>
public static class ApiKeyMiddleware
{
    private const string DashboardCookie = "activeit_dashboard_key";
    private const string AdminItem = "activeit.admin";

    private const string KeyItem = "activeit.key";

    /// <summary>Who is asking, as the first 16 hex digits of the key's SHA-256 (never the key: this may be logged or kept).</summary>
    public static string? KeyId(HttpContext context) => context.Items.TryGetValue(KeyItem, out var id) ? id as string : null;

    /// <summary>Whether the request came with one of the admin keys.</summary>
    public static bool IsAdmin(HttpContext context) => context.Items.TryGetValue(AdminItem, out var admin) && admin is true;

    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<SiloOptions>>().Value;
        var keys = options.ApiKeys.Concat(options.AdminKeys).ToHashSet(StringComparer.Ordinal);
        var dashboard = context.Request.Path.StartsWithSegments("/dashboard", StringComparison.Ordinal);
        var given = context.Request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth[7..]
            : context.Request.Headers["X-Api-Key"].ToString();
        if (given.Length == 0 && dashboard)
        {
            given = context.Request.Query["api_key"].ToString() is { Length: > 0 } query ? query : context.Request.Cookies[DashboardCookie] ?? "";
            if (given.Length > 0 && keys.Contains(given) && context.Request.Query.ContainsKey("api_key"))
            {
                context.Response.Cookies.Append(DashboardCookie, given, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/dashboard", Secure = context.Request.IsHttps,
                });
            }
        }
        if (given.Length == 0 || !keys.Contains(given))
        {
            await Results.Problem(statusCode: 401, title: "API key required",
                detail: "send 'Authorization: Bearer KEY' with a key the silo is configured with (ActiveIT:ApiKeys or ACTIVEIT_API_KEYS); " +
                        "in a browser, open /dashboard?api_key=KEY").ExecuteAsync(context);
            return;
        }
        context.Items[AdminItem] = options.AdminKeys.Contains(given);
        context.Items[KeyItem] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(given)))[..16];
        await next();
    });
}
