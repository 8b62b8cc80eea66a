using System.Net.Http.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary><see cref="IExperimentService"/> over a silo's HTTP API (the silo's worker runs started experiments).</summary>
internal sealed class RemoteExperimentService(HttpClient http) : IExperimentService
{
    private const string Runs = "v1/runs/curriculum";

    public async Task<Experiment> CreateAsync(ExperimentConfig config, string? owner = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync(Runs, config, Json.Options, cancellationToken);
        return await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(Runs, cancellationToken);
        return await SiloHttp.ReadAsync<List<Experiment>>(response, cancellationToken);
    }

    public async Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{Runs}/{Uri.EscapeDataString(name)}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }

    /// <summary>GET …/events: the silo's server-sent events, one record per change.</summary>
    public IAsyncEnumerable<Experiment> WatchAsync(string name, TimeSpan interval, CancellationToken cancellationToken = default) =>
        SiloHttp.EventsAsync<Experiment>(http, $"{Runs}/{Uri.EscapeDataString(name)}/events", cancellationToken);

    public Task<Experiment> StartAsync(string name, CancellationToken cancellationToken = default) => PostAsync(name, "start", cancellationToken);

    public Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken = default) => PostAsync(name, "cancel", cancellationToken);

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"{Runs}/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    private async Task<Experiment> PostAsync(string name, string action, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"{Runs}/{Uri.EscapeDataString(name)}/{action}", null, cancellationToken);
        return await SiloHttp.ReadAsync<Experiment>(response, cancellationToken);
    }
}
