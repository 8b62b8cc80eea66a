using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>Refuses any request without a configured API key (problem details, 401).</summary>
public static class ApiKeyMiddleware
{
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var keys = context.RequestServices.GetRequiredService<IOptions<SiloOptions>>().Value.ApiKeys;
        var given = context.Request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth[7..]
            : context.Request.Headers["X-Api-Key"].ToString();
        if (given.Length == 0 || !keys.Contains(given))
        {
            await Results.Problem(statusCode: 401, title: "API key required",
                detail: "send 'Authorization: Bearer KEY' with a key the silo is configured with (ActiveIT:ApiKeys or ACTIVEIT_API_KEYS)").ExecuteAsync(context);
            return;
        }
        await next();
    });
}
