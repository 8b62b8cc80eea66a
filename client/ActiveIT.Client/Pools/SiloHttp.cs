using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Pools;

/// <summary>Talking to a silo: the client with its key, and its problem details turned into exceptions with the silo's message.</summary>
internal static class SiloHttp
{
    /// <summary>The silo URL from --silo, else $ACTIVEIT_SILO; null: embedded.</summary>
    public static string? Url(string? option) => option ?? Environment.GetEnvironmentVariable("ACTIVEIT_SILO");

    public static HttpClient CreateClient(string url)
    {
        var http = new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromMinutes(30) };
        var key = Environment.GetEnvironmentVariable("ACTIVEIT_API_KEY");
        if (!string.IsNullOrEmpty(key))
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        return http;
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

    /// <summary>400/404/413 are bad input (ArgumentException), 409 a state conflict (InvalidOperationException), the rest HttpRequestException.</summary>
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
            400 or 404 or 413 => new ArgumentException($"silo: {detail}"),
            409 => new InvalidOperationException($"silo: {detail}"),
            _ => new HttpRequestException($"silo answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}", null, response.StatusCode),
        };
    }
}
