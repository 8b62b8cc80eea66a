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
