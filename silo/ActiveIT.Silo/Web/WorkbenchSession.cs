using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ActiveIT.Grains.Access;
using ActiveIT.Silo.Access;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Web;

/// <summary>An API answer that was not a success: its status and the problem's title and detail.</summary>
public sealed class ApiError(HttpStatusCode status, string title, string detail) : Exception($"{(int)status} {title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;
}

/// <summary>
/// One browser tab's sign-in: the key lives in the tab's sessionStorage (encrypted by ASP.NET data protection; gone
/// when the tab closes, never in a URL) and in this circuit's memory; every call carries it to the silo's API.
/// </summary>
public sealed class WorkbenchSession(SelfApi api, ProtectedSessionStorage storage, IOptions<JsonOptions> json, ILogger<WorkbenchSession> logger)
{
    private const string StorageKey = "activeit.key";

    /// <summary>Tries in all; the pauses between them grow 0.5, 1, 2, 4 s, or are what a 503's Retry-After asks, up to 10 s.</summary>
    private const int Attempts = 5;

    private string? _key;

    public JsonSerializerOptions Json { get; } = json.Value.SerializerOptions;

    public Caller.Me? Me { get; private set; }

    public Role Role => Me is null ? Role.Reader : Enum.Parse<Role>(Me.Role, ignoreCase: true);

    public bool CanResearch => Me is not null && Role >= Role.Researcher;

    /// <summary>Whether the signed-in user may start, cancel or delete something <paramref name="owner"/> owns (the API's rule).</summary>
    public bool MayChange(string? owner) => Me is not null && (Role == Role.Admin || (Role >= Role.Researcher && owner == Me.User));

    public event Action? Changed;

    /// <summary>The key this tab signed in with, if it did (JS interop: only after the first render).</summary>
    public async Task RestoreAsync()
    {
        try
        {
            var stored = await storage.GetAsync<string>(StorageKey);
            if (stored.Success && stored.Value is { Length: > 0 } key && await TrySignInAsync(key, remember: false) is not null)
            {
                await storage.DeleteAsync(StorageKey);  // revoked, or the silo is unreachable: the tab signs in again
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            await storage.DeleteAsync(StorageKey);  // written under another silo's data-protection keys: sign in again
        }
    }

    /// <summary>Null when signed in; otherwise why not.</summary>
    public async Task<string?> TrySignInAsync(string key, bool remember = true)
    {
        _key = key.Trim();
        try
        {
            Me = await GetAsync<Caller.Me>("/v1/me");
        }
        catch (ApiError e)
        {
            _key = null;
            Me = null;
            return e.Status == HttpStatusCode.Unauthorized ? "this silo knows no such key" : e.Message;
        }
        catch
        {
            _key = null;
            Me = null;
            throw;
        }
        if (remember)
        {
            await storage.SetAsync(StorageKey, _key);
        }
        Changed?.Invoke();
        return null;
    }

    public async Task SignOutAsync()
    {
        _key = null;
        Me = null;
        await storage.DeleteAsync(StorageKey);
        Changed?.Invoke();
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken ct = default) =>
        await ReadAsync<T>(await SendAsync(HttpMethod.Get, path, null, null, ct), ct);

    /// <summary>A write; with <paramref name="ifVersion"/> a pool write applies only while the pool is at that version (else 412).</summary>
    public async Task<T> PostAsync<T>(string path, HttpContent? content, long? ifVersion = null, CancellationToken ct = default) =>
        await ReadAsync<T>(await SendAsync(HttpMethod.Post, path, content, ifVersion, ct), ct);

    public async Task<T> PostJsonAsync<T>(string path, object body, long? ifVersion = null, CancellationToken ct = default) =>
        await PostAsync<T>(path, JsonContent.Create(body, body.GetType(), options: Json), ifVersion, ct);

    public async Task DeleteAsync(string path, long? ifVersion = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, null, ifVersion, ct);
        await ThrowIfFailedAsync(response, ct);
    }

    /// <summary>A delete that answers with a body (a pool's removal answers the version it made).</summary>
    public async Task<T> DeleteAsync<T>(string path, long? ifVersion = null, CancellationToken ct = default) =>
        await ReadAsync<T>(await SendAsync(HttpMethod.Delete, path, null, ifVersion, ct), ct);

    /// <summary>Server-sent events of <paramref name="path"/>: each event's data, parsed, until the stream ends.</summary>
    public async IAsyncEnumerable<T> EventsAsync<T>(string path, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var request = api.Request(HttpMethod.Get, path, _key ?? "");
        HttpResponseMessage response;
        try
        {
            response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (Unreachable(e, ct) is { } error)
        {
            throw error;
        }
        using var _ = response;
        await ThrowIfFailedAsync(response, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && JsonSerializer.Deserialize<T>(line[6..], Json) is { } value)
            {
                yield return value;
            }
        }
    }

    /// <summary>
    /// One logical call, tried up to <see cref="Attempts"/> times when the silo could not answer it: a 503 (a silo of the
    /// cluster went away) or a connection that failed before any reply. A write carries one Idempotency-Key on every
    /// attempt, so a pool write whose reply was lost is applied once and its retry gets the first outcome. Other POSTs
    /// (runs) keep no keys: they are repeated only when the connection was never made, as a repeat could act twice.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, long? ifVersion, CancellationToken ct)
    {
        if (_key is null)
        {
            throw new ApiError(HttpStatusCode.Unauthorized, "Not signed in", "sign in with an API key first");
        }
        var key = method == HttpMethod.Get ? null : Guid.NewGuid().ToString("N");
        var repeatable = method != HttpMethod.Post || path.StartsWith("/v1/pools/", StringComparison.Ordinal);
        // HttpClient sends a request message once: each attempt gets its own, with the body read once up front.
        byte[]? body = null;
        if (content is not null)
        {
            try
            {
                body = await content.ReadAsByteArrayAsync(ct);
            }
            catch (IOException e)
            {
                throw new ApiError(HttpStatusCode.BadRequest, "The request's body could not be read", e.Message);
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            using var request = api.Request(method, path, _key, body is null ? null : Copy(body, content!.Headers));
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }
            if (ifVersion is { } version)
            {
                request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\""));
            }
            TimeSpan pause;
            string why;
            try
            {
                var response = await api.Client.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !repeatable || attempt == Attempts)
                {
                    return response;
                }
                pause = RetryAfter(response) ?? Backoff(attempt);
                why = "503";
                response.Dispose();
            }
            catch (HttpRequestException e) when (e.StatusCode is null && attempt < Attempts && !ct.IsCancellationRequested
                && (repeatable || e.HttpRequestError == HttpRequestError.ConnectionError))
            {
                pause = Backoff(attempt);
                why = e.HttpRequestError.ToString();
            }
            catch (Exception e) when (Unreachable(e, ct) is { } error)
            {
                throw error;
            }
            logger.LogWarning("{Method} {Path}: {Why}; retry {Attempt} of {Retries} in {Pause} s", method, path, why, attempt, Attempts - 1, pause.TotalSeconds);
            await Task.Delay(pause, ct);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(0.5 * Math.Pow(2, attempt - 1));

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var asked = response.Headers.RetryAfter is { } retry
            ? retry.Delta ?? (retry.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        return asked is { } pause ? TimeSpan.FromSeconds(Math.Clamp(pause.TotalSeconds, 0, 10)) : null;
    }

    private static ByteArrayContent Copy(byte[] body, HttpContentHeaders headers)
    {
        var copy = new ByteArrayContent(body);
        foreach (var (name, values) in headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(name, values);
            }
        }
        return copy;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            await ThrowIfFailedAsync(response, ct);
            try
            {
                return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
            }
            catch (Exception e) when (Unreachable(e, ct) is { } error)
            {
                throw error;
            }
        }
    }

    /// <summary>
    /// What the page shows when the silo's own API could not be reached or answered something unreadable: an
    /// <see cref="ApiError"/> like any refusal, so no page lets an exception end the user's circuit. A cancellation the
    /// page asked for (leaving it) stays one.
    /// </summary>
    private static ApiError? Unreachable(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        TaskCanceledException => new ApiError(HttpStatusCode.GatewayTimeout, "The silo did not answer in time", e.Message),
        HttpRequestException or IOException => new ApiError(HttpStatusCode.BadGateway, "The silo's API could not be reached", e.Message),
        JsonException or NotSupportedException => new ApiError(HttpStatusCode.BadGateway, "The silo's answer could not be read", e.Message),
        _ => null,
    };

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        string title = response.ReasonPhrase ?? "", detail = text;
        try
        {
            using var problem = JsonDocument.Parse(text);
            title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() ?? title : title;
            detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
        }
        throw new ApiError(response.StatusCode, title, detail);
    }
}
