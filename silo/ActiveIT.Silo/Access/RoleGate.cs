using ActiveIT.Grains.Access;

namespace ActiveIT.Silo.Access;

/// <summary>The role an endpoint needs, where it differs from the rule: reading (GET) needs a reader, anything else a researcher.</summary>
public sealed record RequiresRole(Role Role);

public static class RoleGate
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresRole(role));

    public static Role Needed(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RequiresRole>()?.Role
        ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Role.Reader : Role.Researcher);

    /// <summary>403, naming the caller, the request and the role it needs, when the caller's role is below it.</summary>
    public static IApplicationBuilder UseRoleGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!Web.Workbench.NeedsKey(context))
        {
            await next();
            return;
        }
        var needed = Needed(context);
        if (Caller.Of(context) is not { } caller)
        {
            await Results.Problem(statusCode: 401, title: "API key required", detail: "no caller was established for this request").ExecuteAsync(context);
            return;
        }
        if (caller.Role < needed)
        {
            await Results.Problem(statusCode: 403, title: "Not allowed for this role",
                detail: $"{caller} may not {context.Request.Method} {context.Request.Path}: it needs the {needed.ToString().ToLowerInvariant()} role").ExecuteAsync(context);
            return;
        }
        await next();
    });
}
