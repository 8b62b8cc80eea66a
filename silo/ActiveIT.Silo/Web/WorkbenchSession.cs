using System.Net;
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
public sealed class WorkbenchSession(SelfApi api, ProtectedSessionStorage storage, IOptions<JsonOptions> json)
{
    private const string StorageKey = "activeit.key";
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
        await ReadAsync<T>(await SendAsync(HttpMethod.Get, path, null, ct), ct);

    public async Task<T> PostAsync<T>(string path, HttpContent? content, CancellationToken ct = default) =>
        await ReadAsync<T>(await SendAsync(HttpMethod.Post, path, content, ct), ct);

    public async Task<T> PostJsonAsync<T>(string path, object body, CancellationToken ct = default) =>
        await PostAsync<T>(path, JsonContent.Create(body, body.GetType(), options: Json), ct);

    public async Task DeleteAsync(string path, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, null, ct);
        await ThrowIfFailedAsync(response, ct);
    }

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

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        if (_key is null)
        {
            throw new ApiError(HttpStatusCode.Unauthorized, "Not signed in", "sign in with an API key first");
        }
        using var request = api.Request(method, path, _key, content);
        try
        {
            return await api.Client.SendAsync(request, ct);
        }
        catch (Exception e) when (Unreachable(e, ct) is { } error)
        {
            throw error;
        }
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
