using ActiveIT.Grains.Access;
using ActiveIT.Runs;
using ActiveIT.Silo.Access;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ActiveIT.Silo.Observability;

/// <summary>
/// OpenTelemetry for the silo: the platform's own meter and spans (<see cref="RunTelemetry"/>), Orleans' and ASP.NET
/// Core's. Metrics are scraped at GET /metrics (Prometheus text; a reader key or above); metrics and traces are also
/// pushed over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the other OTEL_EXPORTER_OTLP_* too).
/// </summary>
public static class SiloTelemetry
{
    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("activeit-silo"))
            .WithMetrics(m =>
            {
                m.AddMeter(RunTelemetry.Name, "Microsoft.Orleans").AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(RunTelemetry.Name, "Microsoft.Orleans.*")
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Probes and scrapes come every few seconds and say nothing about the work.
                        o.Filter = http => !IsProbe(http.Request.Path);
                        // The dashboard's first visit carries its key as ?api_key=: dropped even where query redaction is turned off.
                        o.EnrichWithHttpRequest = (span, request) =>
                        {
                            if (request.Query.ContainsKey("api_key"))
                            {
                                span.SetTag("url.query", null);
                            }
                        };
                    });
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
    }

    /// <summary>GET: RoleGate's rule would ask a reader anyway; said here so the route's rule reads where it is made.</summary>
    public static void MapTelemetry(this WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics").RequireRole(Role.Reader);

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
