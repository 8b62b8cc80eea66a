using ActiveIT.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ActiveIT.Silo.Tests;

/// <summary>The real silo on Kestrel, 127.0.0.1 and a free port, in this process.</summary>
internal sealed class SiloServer : IAsyncDisposable
{
    public const string Key = "test-key";
    private readonly WebApplication _app;

    private SiloServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public string Url => Client.BaseAddress!.ToString();

    /// <summary>A served model for the endpoints that need one: a 1-layer, untrained checkpoint "tiny" in <paramref name="dir"/>.</summary>
    public static void SaveTinyModel(string dir)
    {
        using var model = ActiveIT.Engine.GptModel.Create(new ActiveIT.Engine.ModelConfig(ActiveIT.Engine.ByteTokenizer.VocabSize, 1, 2, 16, MaxSeqLen: 96, RotaryDim: 4), seed: 3);
        model.Save(Path.Combine(dir, "tiny.safetensors"));
    }

    public static async Task<SiloServer> StartAsync(params string[] storageArgs)
    {
        // No console logging: the CLI tests capture Console.Out, and the in-process silo's log lines would land in it.
        var app = SiloApp.Create(["--urls", "http://127.0.0.1:0", $"--ActiveIT:ApiKeys:0={Key}", "--ActiveIT:MaxRequestBytes=20000000",
            "--Logging:LogLevel:Default=None", $"--ActiveIT:SiloPort={InfraScript.FreePort()}", $"--ActiveIT:GatewayPort={InfraScript.FreePort()}",
            .. storageArgs]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address + "/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        return new SiloServer(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
