using ActiveIT.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        // What the silo logs of a 500 or 503 (category ActiveIT.Errors) is kept in memory, for a test's failure message.
        var errors = new ErrorLog();
        var app = SiloApp.Create(["--urls", "http://127.0.0.1:0", $"--ActiveIT:ApiKeys:0={Key}", "--ActiveIT:MaxRequestBytes=20000000",
            "--Logging:LogLevel:Default=None", $"--ActiveIT:SiloPort={InfraScript.FreePort()}", $"--ActiveIT:GatewayPort={InfraScript.FreePort()}",
            .. storageArgs], builder =>
            {
                builder.Logging.AddProvider(errors);
                builder.Logging.AddFilter<ErrorLog>("ActiveIT.Errors", LogLevel.Error);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address + "/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        return new SiloServer(app, client) { Errors = errors };
    }

    /// <summary>The errors the silo logged under ActiveIT.Errors: each request that failed with 500 or 503, with its exception.</summary>
    public ErrorLog Errors { get; private init; } = new();

    /// <summary>A logger provider keeping what it is given in memory.</summary>
    public sealed class ErrorLog : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public override string ToString() => string.Join("\n", _lines);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{formatter(state, exception)}: {exception}");

        public void Dispose()
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
