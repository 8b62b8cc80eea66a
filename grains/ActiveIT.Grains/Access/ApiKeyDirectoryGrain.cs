using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Access;

[GrainType("activeit.keys")]
public sealed class ApiKeyDirectoryGrain([PersistentState("keys", SiloStorage.ProviderName)] IPersistentState<ApiKeyDirectoryState> state) : Grain, IApiKeyDirectoryGrain
{
    private readonly IPersistentState<ApiKeyDirectoryState> _state = state;

    public async Task<ApiKeyRecord> AddAsync(string hash, string user, Role role, string createdBy)
    {
        var record = new ApiKeyRecord(hash[..16], user, role, DateTimeOffset.UtcNow, createdBy, null);
        await UpdateAsync(keys =>
        {
            if (keys.Values.Any(k => k.Id == record.Id))
            {
                throw new InvalidOperationException($"a key with id {record.Id} exists already");
            }
            keys[hash] = record;
        });
        return record;
    }

    public Task<ApiKeyRecord?> FindAsync(string hash) =>
        Task.FromResult(_state.State.ByHash.TryGetValue(hash, out var record) && record.RevokedAt is null ? record : null);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _state.State.ByHash.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)]);

    public async Task<ApiKeyRecord?> RevokeAsync(string id)
    {
        ApiKeyRecord? revoked = null;
        await UpdateAsync(keys =>
        {
            if (keys.FirstOrDefault(k => k.Value.Id == id) is { Value: { } record } entry)
            {
                revoked = record.RevokedAt is null ? record with { RevokedAt = DateTimeOffset.UtcNow } : record;
                keys[entry.Key] = revoked;
            }
        });
        return revoked;
    }

    private Task UpdateAsync(Action<Dictionary<string, ApiKeyRecord>> change) => _state.ChangeAsync(this, s => change(s.ByHash));
}
