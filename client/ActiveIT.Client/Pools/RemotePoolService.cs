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
        CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"v1/pools/{Uri.EscapeDataString(pool)}/tasks?origin={Uri.EscapeDataString(origin)}", tasks, Json.Options, cancellationToken);
        var summary = await SiloHttp.ReadAsync<ImportSummary>(response, cancellationToken);
        progress?.Report(tasks.Count);
        return summary;
    }

    public async Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/tasks?offset={offset}&limit={limit}", cancellationToken);
        return await SiloHttp.ReadAsync<List<PoolMember>>(response, cancellationToken);
    }

    public async Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/tasks/{Uri.EscapeDataString(taskId)}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<InstructionTask>(response, cancellationToken);
    }

    public async Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/stats", cancellationToken);
        return await SiloHttp.ReadAsync<PoolStats>(response, cancellationToken);
    }

    public async IAsyncEnumerable<InstructionTask> ExportAsync(string pool, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/export", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                yield return JsonSerializer.Deserialize<InstructionTask>(line, Json.Options)!;
            }
        }
    }
}
