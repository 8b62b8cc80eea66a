using ActiveIT.Grains;
using ActiveIT.Grains.Access;

namespace ActiveIT.Silo.Access;

/// <summary>
/// API keys of named users (admins only): POST /v1/keys {"user", "role"} answers the new key once — only its SHA-256
/// is stored; GET /v1/keys lists ids, users, roles and dates; DELETE /v1/keys/{id} revokes one (at once on this
/// silo, within <see cref="Callers.CacheFor"/> on the others). What `activeit keys` calls.
/// </summary>
public static class KeysApi
{
    public sealed record NewKey(string User, string Role);

    public static void MapKeysApi(this IEndpointRouteBuilder app)
    {
        // Who the presented key belongs to: how a client (the web page) learns which actions to offer.
        app.MapGet("/v1/me", (HttpContext http) => Caller.Of(http)!.Describe());
        var keys = app.MapGroup("/v1/keys").RequireRole(Role.Admin);
        keys.MapPost("", async (NewKey request, IGrainFactory grains, HttpContext http) =>
        {
            if (!NameRule.IsValid(request.User))
            {
                throw new ArgumentException($"user: '{request.User}' — use 1–100 letters, digits, '-', '_' or '.'");
            }
            if (!Enum.TryParse<Role>(request.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(request.Role, out _))
            {
                throw new ArgumentException($"role: '{request.Role}' is not one of reader, researcher, admin");
            }
            var key = Callers.NewKey();
            var record = await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).AddAsync(Callers.Hash(key), request.User, role, Caller.Of(http)!.User);
            return Results.Created($"/v1/keys/{record.Id}", new { record.Id, Key = key, record.User, record.Role, record.CreatedAt, record.CreatedBy });
        });
        keys.MapGet("", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).ListAsync()));
        keys.MapDelete("/{id}", async (string id, IGrainFactory grains, Callers callers) =>
        {
            var revoked = await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).RevokeAsync(id);
            callers.Forget(id);
            return revoked is null ? Results.Problem(statusCode: 404, title: "No such key", detail: $"no key with id '{id}'") : Results.Ok(revoked);
        });
    }
}
