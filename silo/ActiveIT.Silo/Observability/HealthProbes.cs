using ActiveIT.Grains.Access;
using ActiveIT.Silo.Access;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActiveIT.Silo.Observability;

/// <summary>
/// GET /healthz (liveness) and /readyz (readiness: grain storage answers a read and this silo is active in the cluster)
/// answer a bare status word without a key, for orchestrators' probes; GET /readyz/detail, admins only, answers each
/// check's status, duration and description as JSON.
/// </summary>
public static class HealthProbes
{
    private const string Ready = "ready";

    /// <summary>A probe that hangs is a failed probe: the orchestrator should hear so before its own timeout.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static void AddHealthProbes(this WebApplicationBuilder builder) => builder.Services.AddHealthChecks()
        .AddCheck<StorageHealthCheck>("grain_storage", tags: [Ready], timeout: CheckTimeout)
        .AddCheck<MembershipHealthCheck>("cluster_membership", tags: [Ready], timeout: CheckTimeout);

    public static void MapHealthProbes(this WebApplication app)
    {
        // Liveness runs no check: a process that routes this request is alive, and restarting it for a storage outage
        // would not mend the storage.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) }).AllowAnonymous();
        app.MapHealthChecks("/readyz/detail", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteDetailAsync })
            .RequireRole(Role.Admin);
    }

    private static Task WriteDetailAsync(HttpContext context, HealthReport report) => context.Response.WriteAsJsonAsync(new
    {
        Status = report.Status.ToString(),
        DurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
        Checks = report.Entries.Select(e => new
        {
            Name = e.Key,
            Status = e.Value.Status.ToString(),
            DurationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            // A check that throws gets its exception's message as description, which may name hosts or paths: the log has it.
            Description = e.Value.Exception is { } x && e.Value.Description == x.Message ? "the check failed; the silo's log has why" : e.Value.Description,
        }),
    });
}
