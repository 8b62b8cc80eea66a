namespace ActiveIT.Silo.Observability;

/// <summary>
/// What operators and tools read from a silo (docs/operations.md): health probes, the API's OpenAPI description and
/// page, and OpenTelemetry metrics and traces.
/// </summary>
public static class SiloObservability
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.AddHealthProbes();
        builder.AddApiDescription();
        builder.AddTelemetry();
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapHealthProbes();
        app.MapApiDescription();
        app.MapTelemetry();
        return app;
    }
}
