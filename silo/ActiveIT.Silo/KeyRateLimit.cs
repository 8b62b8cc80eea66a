using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// ActiveIT:RequestsPerMinutePerKey: each API key gets that many requests per fixed minute; the next is refused with
/// 429 and Retry-After (seconds to the window's end). Off at 0 (the default). The Orleans Dashboard's own polling is
/// not counted.
/// </summary>
public static class KeyRateLimit
{
    public static IApplicationBuilder UseKeyRateLimit(this IApplicationBuilder app)
    {
        var perMinute = app.ApplicationServices.GetRequiredService<IOptions<SiloOptions>>().Value.RequestsPerMinutePerKey;
        if (perMinute <= 0)
        {
            return app;
        }
        var limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase) || ApiKeyMiddleware.KeyId(context) is not { } key)
            {
                await next();
                return;
            }
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"this key may make {perMinute} requests a minute (ActiveIT:RequestsPerMinutePerKey); retry after the Retry-After seconds").ExecuteAsync(context);
                return;
            }
            await next();
        });
    }
}
