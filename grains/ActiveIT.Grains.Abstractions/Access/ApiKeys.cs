namespace ActiveIT.Grains.Access;

/// <summary>What a key may do, each role including the ones before it: read everything; also create and run one's own
/// experiments, import, score, transfer and generate; also everything else (others' experiments, keys, server paths).</summary>
[GenerateSerializer, Alias("activeit.Role")]
public enum Role
{
    Reader,
    Researcher,
    Admin,
}

/// <summary>An API key as stored: never the key itself, only its SHA-256 (the directory's dictionary key) and the first
/// 16 hex digits of it as the id people and logs may see.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ApiKeyRecord")]
public sealed record ApiKeyRecord(string Id, string User, Role Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

[GenerateSerializer, Alias("activeit.ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    /// <summary>Records by the key's full SHA-256 (hex).</summary>
    [Id(0)]
    public Dictionary<string, ApiKeyRecord> ByHash { get; set; } = [];
}

/// <summary>The cluster's API keys (key "all"): the silos look keys up by hash; admins add and revoke them.</summary>
[Alias("activeit.IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("AddAsync")]
    Task<ApiKeyRecord> AddAsync(string hash, string user, Role role, string createdBy);

    /// <summary>The record of a live key, or null (unknown or revoked).</summary>
    [Alias("FindAsync")]
    Task<ApiKeyRecord?> FindAsync(string hash);

    [Alias("ListAsync")]
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync();

    /// <summary>Revokes the key with this id; null if there is none.</summary>
    [Alias("RevokeAsync")]
    Task<ApiKeyRecord?> RevokeAsync(string id);
}
