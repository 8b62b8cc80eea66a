using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ActiveIT.Grains.Access;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Access;

/// <summary>Who is asking: a user, their role, and the id of the key they came with (never the key).</summary>
public sealed record Caller(string User, Role Role, string KeyId)
{
    /// <summary>The claim carrying <see cref="KeyId"/> (the user is the name claim, the role the role claim).</summary>
    public const string KeyIdClaim = "activeit:key_id";

    /// <summary>Who the request authenticated as (<see cref="ApiKeyAuthenticationHandler"/>); null without a known key.</summary>
    public static Caller? Of(HttpContext context) => From(context.User);

    public static Caller? From(ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true } && principal.FindFirstValue(ClaimTypes.Name) is { } user
        && Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), ignoreCase: true, out var role) && principal.FindFirstValue(KeyIdClaim) is { } keyId
            ? new Caller(user, role, keyId)
            : null;

    public ClaimsPrincipal ToPrincipal(string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, User), new Claim(ClaimTypes.Role, RolePolicies.Name(Role)), new Claim(KeyIdClaim, KeyId)], scheme));

    /// <summary>Admins change anything; others only what they own (an experiment without owner, made by an embedded CLI, is an admin's to change).</summary>
    public bool MayChange(string? owner) => Role == Role.Admin || owner == User;

    /// <summary>What GET /v1/me answers.</summary>
    public Me Describe() => new(User, Role.ToString().ToLowerInvariant(), KeyId);

    public sealed record Me(string User, string Role, string KeyId);

    public override string ToString() => $"{User} ({Role.ToString().ToLowerInvariant()})";
}

/// <summary>
/// Resolves a presented key: first the keys in configuration (ActiveIT:AdminKeys → admin, ApiKeys → researcher,
/// ReaderKeys → reader; user admin-0, key-0, reader-0, … by position), then the cluster's key directory grain, whose answers each silo keeps
/// for <see cref="CacheFor"/> — so a key revoked on another silo stops working here within that time.
/// </summary>
public sealed class Callers(IGrainFactory grains, IOptions<SiloOptions> options)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int CacheLimit = 10_000;
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTime Until)> _cache = new(StringComparer.Ordinal);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new key: 32 random bytes, URL-safe, with a prefix that says what it is.</summary>
    public static string NewKey() => "ait_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask<Caller?> ResolveAsync(string key)
    {
        var hash = Hash(key);
        var id = hash[..16];
        var o = options.Value;
        // A configured key's user is named by its place in the configuration, not by its hash: a hash prefix anyone
        // can read (an experiment's owner) would let them test guesses of a weak configured key offline.
        foreach (var (keys, role, name) in new[] { (o.AdminKeys, Role.Admin, "admin"), (o.ApiKeys, Role.Researcher, "key"), (o.ReaderKeys, Role.Reader, "reader") })
        {
            if (keys.IndexOf(key) is var at and >= 0)
            {
                return new Caller($"{name}-{at}", role, id);
            }
        }
        if (_cache.TryGetValue(hash, out var known) && known.Until > DateTime.UtcNow)
        {
            return known.Caller;
        }
        var record = await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).FindAsync(hash);
        var caller = record is null ? null : new Caller(record.User, record.Role, record.Id);
        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();  // unknown keys are cached too; a flood of them must not grow the cache without bound
        }
        _cache[hash] = (caller, DateTime.UtcNow + CacheFor);
        return caller;
    }

    /// <summary>Drops what this silo knows of a key (after it is revoked here).</summary>
    public void Forget(string keyId)
    {
        foreach (var entry in _cache.Where(e => e.Key.StartsWith(keyId, StringComparison.Ordinal)))
        {
            _cache.TryRemove(entry.Key, out _);
        }
    }
}
