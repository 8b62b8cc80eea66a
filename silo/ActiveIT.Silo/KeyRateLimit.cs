using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ActiveIT.Silo.Access;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// ActiveIT:RequestsPerMinutePerKey on ASP.NET Core's rate limiter: each authenticated key (by its id) gets that many
/// requests per fixed minute; the next is refused with 429 and Retry-After (seconds to the window's end). Off at 0 (the
/// default). Requests without a known key are not counted (they get 401), nor endpoints marked DisableRateLimiting (the
/// Orleans Dashboard's own polling).
/// </summary>
public static class KeyRateLimit
{
    public static IServiceCollection AddKeyRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SiloOptions>>((limiter, silo) =>
        {
            var perMinute = silo.Value.RequestsPerMinutePerKey;
            if (perMinute <= 0)
            {
                return;
            }
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.FindFirstValue(Caller.KeyIdClaim) is { } keyId
                    ? RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"this key may make {perMinute} requests a minute (ActiveIT:RequestsPerMinutePerKey); retry after the Retry-After seconds")
                    .ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }
}
