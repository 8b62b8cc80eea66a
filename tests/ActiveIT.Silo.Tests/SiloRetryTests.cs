using System.Collections.Concurrent;
using System.Net;
using ActiveIT.Client.Pools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// The CLI's retries (<see cref="SiloRetry"/>) against a Kestrel server on loopback that fails the first tries the way
/// a cluster in failover does (503 with Retry-After, or a connection dropped before the reply): requests safe to
/// repeat are repeated with the same Idempotency-Key; a keyless POST is not.
/// </summary>
public sealed class SiloRetryTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string?>> _seen = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        // Each path fails its first two requests: /busy with 503, /drop by dropping the connection unanswered.
        _server.Run(async context =>
        {
            var tries = _seen.GetOrAdd(context.Request.Path, _ => new());
            tries.Enqueue(context.Request.Headers["Idempotency-Key"].FirstOrDefault());
            if (tries.Count <= 2 && context.Request.Path.StartsWithSegments("/busy"))
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "0";
                return;
            }
            if (tries.Count <= 2)
            {
                context.Abort();
                return;
            }
            await context.Response.WriteAsync("done");
        });
        await _server.StartAsync();
    }

    private HttpClient Client() => new(new SiloRetry(new SocketsHttpHandler())) { BaseAddress = new Uri(_server.Urls.First()) };

    [Fact]
    public async Task AKeyedWrite_IsRetriedWithItsKey_AfterA503AndADroppedConnection()
    {
        using var http = Client();
        foreach (var path in new[] { "busy/keyed", "drop/keyed" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("[]") };
            request.Headers.Add("Idempotency-Key", "k-" + path);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["k-" + path, "k-" + path, "k-" + path], _seen["/" + path]);
        }
        using var read = await http.GetAsync("drop/read");
        Assert.Equal(("done", 3), (await read.Content.ReadAsStringAsync(), _seen["/drop/read"].Count));
    }

    [Fact]
    public async Task AKeylessPost_IsNotRepeated()
    {
        using var http = Client();
        using var response = await http.PostAsync("busy/keyless", new StringContent("[]"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("drop/keyless", new StringContent("[]")));
        Assert.Equal((1, 1), (_seen["/busy/keyless"].Count, _seen["/drop/keyless"].Count));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
