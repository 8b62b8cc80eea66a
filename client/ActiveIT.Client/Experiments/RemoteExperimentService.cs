using System.Net.Http.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary><see cref="IExperimentService"/> over a silo's HTTP API (the silo's worker runs started experiments).</summary>
internal sealed class RemoteExperimentService(HttpClient http) : IExperimentService
{
    public async Task<Experiment> CreateAsync(ExperimentConfig config, string? owner = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("v1/experiments", config, Json.Options, cancellationToken);
        return await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("v1/experiments", cancellationToken);
        return await SiloHttp.ReadAsync<List<Experiment>>(response, cancellationToken);
    }

    public async Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1/experiments/{Uri.EscapeDataString(name)}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }

    /// <summary>GET …/events: the silo's server-sent events, one record per change.</summary>
    public async IAsyncEnumerable<Experiment> WatchAsync(string name, TimeSpan interval,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/experiments/{Uri.EscapeDataString(name)}/events");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            yield break;
        }
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var data = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(6));
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                yield return System.Text.Json.JsonSerializer.Deserialize<Experiment>(data.ToString(), Json.Options)!;
                data.Clear();
            }
        }
    }

    public Task<Experiment> StartAsync(string name, CancellationToken cancellationToken = default) => PostAsync(name, "start", cancellationToken);

    public Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken = default) => PostAsync(name, "cancel", cancellationToken);

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"v1/experiments/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    private async Task<Experiment> PostAsync(string name, string action, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"v1/experiments/{Uri.EscapeDataString(name)}/{action}", null, cancellationToken);
        return await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }
}
