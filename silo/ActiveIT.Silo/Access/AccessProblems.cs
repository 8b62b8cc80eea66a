using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ActiveIT.Silo.Access;

/// <summary>
/// How the authorization middleware answers a refusal: 403 problem details naming the caller, the request and the role
/// it needs. The rest is the framework's: a challenge goes to the API-key scheme (401), success to the endpoint.
/// </summary>
public sealed class AccessProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var roles = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RoleRequirement>().ToList() ?? [];
        if (!authorizeResult.Forbidden || roles.Count == 0 || Caller.Of(context) is not { } caller)
        {
            return _framework.HandleAsync(next, context, policy, authorizeResult);
        }
        var needed = roles.Max(r => r.Needed(context));
        return Results.Problem(statusCode: 403, title: "Not allowed for this role",
            detail: $"{caller} may not {context.Request.Method} {context.Request.Path}: it needs the {RolePolicies.Name(needed)} role").ExecuteAsync(context);
    }
}
