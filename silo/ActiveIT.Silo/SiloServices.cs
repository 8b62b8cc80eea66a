using ActiveIT.Grains;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Persistence;
using ActiveIT.Grains.Pools;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>The silo's wiring: options, storage provider, grain host, services over it.</summary>
public static class SiloServices
{
    public static WebApplicationBuilder AddActiveItSilo(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("ActiveIT");
        builder.Services.Configure<SiloOptions>(section);
        var keys = Environment.GetEnvironmentVariable("ACTIVEIT_API_KEYS");
        if (!string.IsNullOrEmpty(keys))
        {
            builder.Services.PostConfigure<SiloOptions>(o => o.ApiKeys.AddRange(keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = section.GetValue<long?>("MaxRequestBytes") ?? new SiloOptions().MaxRequestBytes);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddSingleton<IGrainStorage>(sp => OpenStorage(sp.GetRequiredService<IOptions<SiloOptions>>().Value));
        builder.Services.AddSingleton(sp => new GrainHost(sp.GetRequiredService<IGrainStorage>()).AddPoolGrains().AddCurriculumGrains());
        builder.Services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainHost>());
        builder.Services.AddSingleton<IPoolService, PoolService>();
        builder.Services.AddSingleton<IExperimentService>(sp =>
            new ExperimentService(sp.GetRequiredService<IGrainFactory>(), ExperimentWorker.ExperimentsDir(sp.GetRequiredService<IOptions<SiloOptions>>().Value)));
        builder.Services.AddSingleton<ExperimentWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ExperimentWorker>());
        builder.Services.AddSingleton(sp => new Completions.ModelRegistry(sp.GetRequiredService<IOptions<SiloOptions>>().Value.ModelDir));
        return builder;
    }

    private static IGrainStorage OpenStorage(SiloOptions options) => options.Storage switch
    {
        "sqlite" => new SqliteGrainStorage(Path.Combine(Directory.CreateDirectory(options.DataDir).FullName, "activeit.db")),
        "postgres" => PostgresGrainStorage.OpenAsync(options.ConnectionString
            ?? throw new InvalidOperationException("ActiveIT:ConnectionString is required for postgres storage")).GetAwaiter().GetResult(),
        _ => throw new InvalidOperationException($"ActiveIT:Storage '{options.Storage}': use sqlite or postgres"),
    };
}
