using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Web;

/// <summary>
/// The silo's own HTTP API on loopback, for the page's server side: the address Kestrel listens on (a wildcard host
/// becomes 127.0.0.1), never the browser-facing one, which may be a proxy's.
/// </summary>
public sealed class SelfApi(IServer server, IOptions<SiloOptions> options) : IDisposable
{
    private readonly Lazy<HttpClient> _client = new(() => Create(options.Value.SelfUrl is { } url ? new Uri(url.TrimEnd('/') + "/") : Address(server)));

    public HttpClient Client => _client.Value;

    public HttpRequestMessage Request(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static HttpClient Create(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            // One client serves every user's circuit: no cookie may carry over from one user's call to another's.
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        if (address.IsLoopback && address.Scheme == Uri.UriSchemeHttps)
        {
            // This silo calling itself on loopback: its certificate names the public host, not 127.0.0.1.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    }

    private static Uri Address(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the silo listens on no address the page could call");
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }
        uri.Path = "/";
        return uri.Uri;
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
