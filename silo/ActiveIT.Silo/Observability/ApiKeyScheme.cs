using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ActiveIT.Silo.Observability;

/// <summary>Describes the API key every /v1 operation needs ('Authorization: Bearer KEY'), so clients and the page send it.</summary>
internal sealed class ApiKeyScheme : IOpenApiDocumentTransformer
{
    private const string Name = "api_key";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Name] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A key of this silo: configured (ActiveIT:AdminKeys, ApiKeys, ReaderKeys) or made with `activeit keys create`. " +
                          "Reading (GET) needs the reader role, changing a researcher, /v1/keys and import-path an admin.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Name, document)] = [] });
        return Task.CompletedTask;
    }
}
