using ActiveIT.Silo.Completions;
using ActiveIT.Silo.Access;
using ActiveIT.Silo.Observability;
using ActiveIT.Silo.Runs;
using ActiveIT.Silo.Web;
using Orleans.Dashboard;

namespace ActiveIT.Silo;

/// <summary>The silo as a table of contents: services, error mapping, authentication, endpoints.</summary>
public static class SiloApp
{
    /// <param name="configure">Last words on the builder before the app is built (tests add a logger of their own).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddActiveItSilo();
        builder.AddApiKeyAccess();
        builder.Services.AddKeyRateLimit();
        builder.AddWorkbench();
        builder.AddObservability();
        configure?.Invoke(builder);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SiloOptions>>().Value;
        ApplyEngineSettings(options);
        app.UseActiveItErrors();
        app.UseAuthentication();
        if (options.RequestsPerMinutePerKey > 0)
        {
            // Only where a limit is set: the middleware's own limiter runs a timer that nothing disposes, which keeps the
            // whole app reachable after it stops — every in-process silo of a test run (11 GB by the Silo tests' end).
            app.UseRateLimiter();
        }
        app.UseAuthorization();
        app.MapPoolApi();
        app.MapCompletionsApi();
        app.MapTaskMapApi();
        app.MapScoreApi();
        app.MapRunsApi();
        app.MapKeysApi();
        app.MapObservability();
        // Admins only: its grain-state view reads any grain (the key directory too) and its trace view streams the logs.
        // Its own polling is not counted against the key's requests a minute.
        app.MapOrleansDashboard("/dashboard").RequireRole(Grains.Access.Role.Admin).DisableRateLimiting();
        app.MapWorkbench();
        return app;
    }

    /// <summary>
    /// Before anything touches libtorch: each thread takes libtorch's thread count when it first runs an op, so a
    /// count set later reaches only the threads that had not (a run on such a thread would record and use another).
    /// </summary>
    private static void ApplyEngineSettings(SiloOptions options)
    {
        if (options.EngineThreads is { } threads)
        {
            ActiveIT.Engine.EngineRuntime.SetThreads(threads);
        }
        ActiveIT.Engine.EngineRuntime.DefaultPrecision = ActiveIT.Engine.PrecisionNames.Parse(options.Precision);
    }
}
