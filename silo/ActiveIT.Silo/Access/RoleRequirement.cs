using ActiveIT.Grains.Access;
using Microsoft.AspNetCore.Authorization;

namespace ActiveIT.Silo.Access;

/// <summary>
/// The role a request needs, roles being ordered (admin ⊇ researcher ⊇ reader): a fixed one (a policy of
/// <see cref="RolePolicies"/>), or without one the rule: reading (GET, HEAD) needs a reader, anything else a researcher.
/// Its own handler, as the framework's RolesAuthorizationRequirement is.
/// </summary>
public sealed class RoleRequirement(Role? role) : AuthorizationHandler<RoleRequirement>, IAuthorizationRequirement
{
    public Role? Role { get; } = role;

    /// <summary>What <paramref name="request"/> needs; a resource that is no HTTP request (a hub call) needs a researcher.</summary>
    public Role Needed(HttpContext? request) => Role
        ?? (request is not null && (HttpMethods.IsGet(request.Request.Method) || HttpMethods.IsHead(request.Request.Method))
            ? Grains.Access.Role.Reader
            : Grains.Access.Role.Researcher);

    /// <summary>How the framework's "Authorization failed" log line names it.</summary>
    public override string ToString() => $"{nameof(RoleRequirement)}: {(Role is { } role ? RolePolicies.Name(role) : "reader for GET and HEAD, researcher otherwise")} or above";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (Caller.From(context.User) is { } caller && caller.Role >= requirement.Needed(context.Resource as HttpContext))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
