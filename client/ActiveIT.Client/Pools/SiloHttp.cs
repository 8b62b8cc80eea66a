using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Pools;

/// <summary>Talking to a silo: the client with its key, and its problem details turned into exceptions with the silo's message.</summary>
internal static class SiloHttp
{
    /// <summary>The silo URL from --silo, else $ACTIVEIT_SILO; null: the data directory's local silo.</summary>
    public static string? Url(string? option) => option ?? Environment.GetEnvironmentVariable("ACTIVEIT_SILO");

    public static HttpClient CreateClient(string url)
    {
        var http = new HttpClient(new SiloRetry(new SocketsHttpHandler())) { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromMinutes(30) };
        var key = Environment.GetEnvironmentVariable("ACTIVEIT_API_KEY");
        if (!string.IsNullOrEmpty(key))
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        return http;
    }

    /// <summary>
    /// A run on the silo: created (the same body again finds the run it made), started, and followed through its events
    /// (each given to <paramref name="changed"/>) until it stops; its last record. The run goes on without this client.
    /// </summary>
    public static async Task<T> RunAsync<T>(HttpClient http, string kind, string name, object body, Action<T> changed, CancellationToken cancellationToken)
        where T : class
    {
        using (var created = await http.PostAsJsonAsync($"v1/runs/{kind}", body, Json.Options, cancellationToken))
        {
            await EnsureSuccessAsync(created, cancellationToken);
        }
        var path = $"v1/runs/{kind}/{Uri.EscapeDataString(name)}";
        using (var started = await http.PostAsync($"{path}/start", null, cancellationToken))
        {
            await EnsureSuccessAsync(started, cancellationToken);
        }
        T? last = null;
        await foreach (var run in EventsAsync<T>(http, $"{path}/events", cancellationToken))
        {
            changed(run);
            last = run;
        }
        return last ?? throw new HttpRequestException($"the silo sent no event of {path}");
    }

    /// <summary>GET …/events of a run: the silo's server-sent events, each event's data parsed, until the stream ends; none when the run does not exist.</summary>
    public static async IAsyncEnumerable<T> EventsAsync<T>(HttpClient http, string path,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            yield break;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        var parser = System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken),
            (_, data) => JsonSerializer.Deserialize<T>(data, Json.Options)!);
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            yield return item.Data;
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options, cancellationToken))!;
    }

    /// <summary>400/404/413/422 are bad input (ArgumentException); 409 and 412 a state conflict (<see cref="SiloConflictException"/>);
    /// the rest HttpRequestException.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var detail = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(detail);
            detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? detail : detail;
        }
        catch (JsonException)
        {
            // not problem details: keep the body as it is
        }
        throw (int)response.StatusCode switch
        {
            400 or 404 or 413 or 422 => new ArgumentException($"silo: {detail}"),
            409 or 412 => new SiloConflictException($"silo: {detail}"),
            _ => new HttpRequestException($"silo answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}", null, response.StatusCode),
        };
    }
}

/// <summary>The silo refused a change because of the state it found (409, or 412: the pool is at another version).</summary>
internal sealed class SiloConflictException(string message) : InvalidOperationException(message);
