using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary><see cref="IPoolService"/> over a silo's HTTP API; the silo's problem details become exceptions with its message.</summary>
internal sealed class RemotePoolService(HttpClient http) : IPoolService
{
    public async Task<ImportSummary> ImportAsync(string pool, IReadOnlyList<InstructionTask> tasks, string origin, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default, string? who = null)
    {
        // Who: the silo knows it from the key.
        using var response = await http.PostAsJsonAsync($"{Base(pool)}/tasks?origin={Uri.EscapeDataString(origin)}", tasks, Json.Options, cancellationToken);
        var summary = await SiloHttp.ReadAsync<ImportSummary>(response, cancellationToken);
        progress?.Report(tasks.Count);
        return summary;
    }

    public async Task<PoolVersion?> RemoveAsync(string pool, IReadOnlyList<string> taskIds, string reason, string? who = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Base(pool)}/remove", new { task_ids = taskIds, reason }, Json.Options, cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<PoolVersion>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default, long? version = null)
    {
        using var response = await http.GetAsync($"{Base(pool)}/tasks?offset={offset}&limit={limit}{At(version, "&")}", cancellationToken);
        return await SiloHttp.ReadAsync<List<PoolMember>>(response, cancellationToken);
    }

    public async Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default, long? version = null)
    {
        using var response = await http.GetAsync($"{Base(pool)}/tasks/{Uri.EscapeDataString(taskId)}{At(version, "?")}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<InstructionTask>(response, cancellationToken);
    }

    public async Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default, long? version = null)
    {
        using var response = await http.GetAsync($"{Base(pool)}/stats{At(version, "?")}", cancellationToken);
        return await SiloHttp.ReadAsync<PoolStats>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<PoolVersion>> GetHistoryAsync(string pool, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base(pool)}/history", cancellationToken);
        return await SiloHttp.ReadAsync<List<PoolVersion>>(response, cancellationToken);
    }

    public async Task<PoolDiff> DiffAsync(string pool, long from, long to, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base(pool)}/diff?from={from}&to={to}", cancellationToken);
        return await SiloHttp.ReadAsync<PoolDiff>(response, cancellationToken);
    }

    /// <summary>
    /// The silo's export of one version: its headers say which and how many; the stream must end with the end record
    /// naming them, or the export was cut (<see cref="ExportCutException"/>), whatever the transport said.
    /// </summary>
    public async Task<PoolExport> ExportAsync(string pool, long? version = null, CancellationToken cancellationToken = default)
    {
        var response = await http.GetAsync($"{Base(pool)}/export{At(version, "?")}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        static long Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), out var n) ? n
                : throw new InvalidOperationException($"the silo's export has no {name} header (an older silo?)");
        var at = Header(response, "X-Pool-Version");
        var count = (int)Header(response, "X-Pool-Tasks");
        return new PoolExport(pool, at, count, ReadAsync(response, pool, at, count, cancellationToken));
    }

    private static async IAsyncEnumerable<InstructionTask> ReadAsync(HttpResponseMessage response, string pool, long version, int count,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = response;
        var read = 0;
        var ended = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new ExportCutException(pool, version, read, count, e.Message);
            }
            if (line is null)
            {
                break;
            }
            if (line.Length == 0)
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("end", out var end))
            {
                ended = end.GetProperty("version").GetInt64() == version && end.GetProperty("tasks").GetInt32() == count && read == count;
                break;
            }
            read++;
            yield return document.RootElement.Deserialize<InstructionTask>(Json.Options)!;
        }
        if (!ended)
        {
            throw new ExportCutException(pool, version, read, count, "the stream ended without its end record");
        }
    }

    private static string Base(string pool) => $"v1/pools/{Uri.EscapeDataString(pool)}";

    private static string At(long? version, string separator) => version is { } v ? $"{separator}version={v}" : "";
}

/// <summary>An export that ended before its end record: what was read, what was promised, and why it stopped.</summary>
internal sealed class ExportCutException(string pool, long version, int read, int count, string cause)
    : InvalidOperationException($"export of pool {pool} at version {version} cut off after {read} of {count} tasks: {cause}");
