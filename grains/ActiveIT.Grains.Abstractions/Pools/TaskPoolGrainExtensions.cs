namespace ActiveIT.Grains.Pools;

public static class TaskPoolGrainExtensions
{
    /// <summary>Every member, ordered by task id, read a page at a time.</summary>
    public static async Task<List<PoolMember>> ListAllAsync(this ITaskPoolGrain pool, int pageSize = 1000)
    {
        var members = new List<PoolMember>();
        for (var offset = 0; ; offset += pageSize)
        {
            var page = await pool.ListAsync(offset, pageSize);
            members.AddRange(page);
            if (page.Count < pageSize)
            {
                return members;
            }
        }
    }
}
