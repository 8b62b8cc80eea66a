using Scalar.AspNetCore;

namespace ActiveIT.Silo.Observability;

/// <summary>
/// The HTTP API (everything under /v1) as an OpenAPI document at /openapi/v1.json, and a page to read and try it at
/// /scalar, whose script is served from the Scalar package itself (no CDN, so it works offline).
/// </summary>
public static class ApiDescription
{
    public static void AddApiDescription(this WebApplicationBuilder builder) => builder.Services.AddOpenApi(o =>
    {
        // The workbench's pages and assets, the dashboard and the probes are not the API.
        o.ShouldInclude = d => d.RelativePath?.StartsWith("v1/", StringComparison.OrdinalIgnoreCase) == true;
        o.AddDocumentTransformer<ApiKeyScheme>();
    });

    public static void MapApiDescription(this WebApplication app)
    {
        // Both answer without a key: the document holds routes and body shapes, which the source and README publish
        // anyway, and no data; the page is a reader of it that sends a key only when its user types one in.
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("ActiveIT silo API")
                // Each of these reaches a third-party server from the reader's browser; a silo may run where none is reachable.
                .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp())
            .AllowAnonymous();
    }
}
