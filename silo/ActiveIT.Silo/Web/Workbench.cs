using ActiveIT.Silo.Web.Shared;

namespace ActiveIT.Silo.Web;

/// <summary>
/// The research workbench: a Blazor (interactive server) page at / on the silo's own origin. Its shell and assets are
/// public, like any sign-in page, and carry no data; everything it shows or changes goes through the silo's HTTP API
/// with the signed-in user's key (<see cref="WorkbenchSession"/>), so the page obeys exactly the API's rules.
/// </summary>
public static class Workbench
{
    public static void AddWorkbench(this WebApplicationBuilder builder)
    {
        // Assets of packages (Plotly) are served from the build output too, not only under Development.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton<SelfApi>();
        builder.Services.AddScoped<WorkbenchSession>();
    }

    public static void MapWorkbench(this WebApplication app)
    {
        app.UseAntiforgery();
        // Named after the silo's assembly, not the host's: a silo hosted in-process (tests) has another application name.
        app.MapStaticAssets(Path.Combine(AppContext.BaseDirectory, $"{typeof(Workbench).Assembly.GetName().Name}.staticwebassets.endpoints.json"));
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Requests that need a key: the API and the Orleans Dashboard. The rest is the page's shell and assets.</summary>
    public static bool NeedsKey(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.Ordinal) || path.StartsWithSegments("/dashboard", StringComparison.Ordinal);
}
