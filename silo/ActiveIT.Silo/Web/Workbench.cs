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
        app.MapStaticAssets(Path.Combine(AppContext.BaseDirectory, $"{typeof(Workbench).Assembly.GetName().Name}.staticwebassets.endpoints.json"))
            .WithMetadata(Public.Instance);
        // The pages, blazor.web.js and the circuit's hub (/_blazor): conventions on this builder reach all of them.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().WithMetadata(Public.Instance);
    }

    /// <summary>
    /// Whether a request needs a key: all do but the page's shell, its assets and its circuit hub, which carry no data,
    /// and endpoints marked with the framework's AllowAnonymous (health probes, the API description).
    /// Decided by the matched endpoint, not by the path: routing matches paths case-insensitively (/V1/keys is
    /// /v1/keys), and a path no endpoint matches needs a key too.
    /// </summary>
    public static bool NeedsKey(HttpContext context) => context.GetEndpoint()?.Metadata is not { } metadata
        || (metadata.GetMetadata<Public>() is null && metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null);

    /// <summary>Marks an endpoint that answers without a key.</summary>
    private sealed class Public
    {
        public static readonly Public Instance = new();
    }
}
