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
        CancellationToken cancellationToken = default, PoolWrite? write = null)
    {
        // Who: the silo knows it from the key.
        using var request = Write(HttpMethod.Post, $"{Base(pool)}/tasks?origin={Uri.EscapeDataString(origin)}", write, JsonContent.Create(tasks, options: Json.Options));
        using var response = await http.SendAsync(request, cancellationToken);
        var summary = await SiloHttp.ReadAsync<ImportSummary>(response, cancellationToken);
        progress?.Report(tasks.Count);
        return summary;
    }

    public async Task<PoolVersion?> RemoveAsync(string pool, IReadOnlyList<string> taskIds, string reason, PoolWrite? write = null, CancellationToken cancellationToken = default)
    {
        using var request = Write(HttpMethod.Post, $"{Base(pool)}/remove", write, JsonContent.Create(new { task_ids = taskIds, reason }, options: Json.Options));
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<PoolVersion>(response, cancellationToken);
    }

    public async Task<PoolAccess> GetAccessAsync(string pool, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Base(pool)}/access", cancellationToken);
        return await SiloHttp.ReadAsync<PoolAccess>(response, cancellationToken);
    }

    public async Task<PoolAccess> SetAccessAsync(string pool, string? owner, IReadOnlyList<string> editors, PoolWrite? write = null,
        CancellationToken cancellationToken = default)
    {
        using var response = await http.PutAsJsonAsync($"{Base(pool)}/access", new { owner, editors }, Json.Options, cancellationToken);
        return await SiloHttp.ReadAsync<PoolAccess>(response, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string pool, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"v1/pools/{Uri.EscapeDataString(pool)}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>
    /// A write with its terms as headers: If-Match for an expected version, and an Idempotency-Key — the caller's, or a
    /// new one for this logical write, so the retries <see cref="SiloHttp"/> makes after a 503 or a lost reply apply it once.
    /// </summary>
    private static HttpRequestMessage Write(HttpMethod method, string path, PoolWrite? write, HttpContent content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (write?.IfVersion is { } version)
        {
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
        }
        request.Headers.Add("Idempotency-Key", write?.IdempotencyKey ?? Guid.NewGuid().ToString("N"));
        return request;
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
