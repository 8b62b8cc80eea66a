using System.Text;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// Sends a diversity run's record to a silo (PUT /v1/diversity/{name}) so the cluster's researchers see it on the web
/// page while it trains. The first send must succeed — a wrong key, URL or name stops the run before any training;
/// later ones that fail are reported and the run goes on: its own files are the record. A send waits at most a minute
/// and stops at Ctrl+C.
/// </summary>
internal sealed class DiversityPublisher : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _url;
    private readonly TextWriter _stderr;
    private readonly CancellationToken _cancellationToken;
    private int _sent;

    public DiversityPublisher(string url, string name, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--silo '{url}': an http(s) URL, e.g. http://127.0.0.1:5080");
        }
        _http = SiloHttp.CreateClient(url);
        _http.Timeout = TimeSpan.FromMinutes(1);
        (_url, Name, _stderr, _cancellationToken) = (url, name, stderr, cancellationToken);
    }

    public string Name { get; }

    public void Publish(string record)
    {
        // After Ctrl+C the run's last word (its cancelled record) still gets ten seconds of its own.
        using var last = _cancellationToken.IsCancellationRequested ? new CancellationTokenSource(TimeSpan.FromSeconds(10)) : null;
        var token = last?.Token ?? _cancellationToken;
        try
        {
            using var content = new StringContent(record, Encoding.UTF8, "application/json");
            using var response = _http.PutAsync($"v1/diversity/{Uri.EscapeDataString(Name)}", content, token).GetAwaiter().GetResult();
            SiloHttp.EnsureSuccessAsync(response, token).GetAwaiter().GetResult();
            _sent++;
        }
        catch (OperationCanceledException) when (last is not null)
        {
            _stderr.WriteLine($"activeit diversity: {_url} did not take the cancelled run's record within 10 s");
        }
        catch (TaskCanceledException e) when (!_cancellationToken.IsCancellationRequested)
        {
            Failed(new HttpRequestException($"{_url} did not answer within a minute", e));
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException or InvalidOperationException)
        {
            Failed(e);
        }
    }

    private void Failed(Exception e)
    {
        if (_sent == 0)
        {
            throw e is ArgumentException ? e : new HttpRequestException($"publishing to {_url}: {e.Message}", e);
        }
        _stderr.WriteLine($"activeit diversity: could not publish to {_url} ({e.Message}); the run goes on, its files hold every result");
    }

    public void Dispose() => _http.Dispose();
}
