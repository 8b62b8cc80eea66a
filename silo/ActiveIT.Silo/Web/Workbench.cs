using ActiveIT.Silo.Web.Shared;

namespace ActiveIT.Silo.Web;

/// <summary>
/// The research workbench: a Blazor (interactive server) page at / on the silo's own origin. Its shell, assets and hub
/// are anonymous, like any sign-in page, and carry no data; everything it shows or changes goes through the silo's HTTP API
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
        app.MapStaticAssets(Path.Combine(AppContext.BaseDirectory, $"{typeof(Workbench).Assembly.GetName().Name}.staticwebassets.endpoints.json"))
            .AllowAnonymous();
        // The pages, blazor.web.js and the circuit's hub (/_blazor): conventions on this builder reach all of them.
        // Anonymous by the endpoint a request matched, not by its path: routing ignores case (/V1/keys is /v1/keys), and a
        // path no endpoint takes falls to the fallback policy, which needs a key.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();
    }
}
