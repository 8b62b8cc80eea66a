namespace ActiveIT.Grains.Pools;

public static class TaskPoolGrainExtensions
{
    /// <summary>Every member, ordered by task id, read a page at a time: of <paramref name="version"/>, or the head when null.</summary>
    public static async Task<List<PoolMember>> ListAllAsync(this ITaskPoolGrain pool, long? version = null, int pageSize = 1000)
    {
        var members = new List<PoolMember>();
        for (var offset = 0; ; offset += pageSize)
        {
            var page = version is { } v ? await pool.ListAtAsync(v, offset, pageSize) : await pool.ListAsync(offset, pageSize);
            members.AddRange(page);
            if (page.Count < pageSize)
            {
                return members;
            }
        }
    }

    /// <summary>A member list's digest: SHA-256 over "id hash" lines in id order — equal lists, equal digests.</summary>
    public static string Digest(IEnumerable<PoolMember> members) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Concat(members.OrderBy(m => m.TaskId, StringComparer.Ordinal).Select(m => $"{m.TaskId} {m.ContentHash}\n")))));
}
