namespace ActiveIT.Grains.Access;

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
