using System.Text;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// Sends a diversity run's record to a silo (PUT /v1/diversity/{name}) so the cluster's researchers see it on the web
/// page while it trains. The first send must succeed — a wrong key or name stops the run before any training; later
/// ones that fail are reported and the run goes on: its own files are the record.
/// </summary>
internal sealed class DiversityPublisher(string url, string name, TextWriter stderr) : IDisposable
{
    private readonly HttpClient _http = SiloHttp.CreateClient(url);
    private int _sent;

    public string Name { get; } = name;

    public void Publish(string record)
    {
        try
        {
            using var content = new StringContent(record, Encoding.UTF8, "application/json");
            using var response = _http.PutAsync($"v1/diversity/{Uri.EscapeDataString(Name)}", content).GetAwaiter().GetResult();
            SiloHttp.EnsureSuccessAsync(response, CancellationToken.None).GetAwaiter().GetResult();
            _sent++;
        }
        catch (Exception e) when (_sent > 0 && e is HttpRequestException or ArgumentException or InvalidOperationException or TaskCanceledException)
        {
            stderr.WriteLine($"activeit diversity: could not publish to {url} ({e.Message}); the run goes on, its files hold every result");
        }
    }

    public void Dispose() => _http.Dispose();
}
