using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace ActiveIT.Silo;

/// <summary>The silo's wiring: options, the Orleans silo this process hosts (storage, clustering, reminders), services over it.</summary>
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
        // ASP.NET's "Request starting" lines carry the query string, where a browser's first dashboard visit has its key.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // At Debug these log the web page's hub messages, a typed-in key among them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Connections", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Components", LogLevel.Information);
        // A body that does not bind (bad JSON, a wrong type) raises instead of answering an empty 400, so the error handler
        // can say where it breaks.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            // A body missing a required field, or with null where the type has no null, is refused with its JSON path
            // instead of reaching the grains half-made.
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
            // ...but a field that may be null may also be left out (a task's license, for one).
            o.SerializerOptions.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
            {
                Modifiers =
                {
                    info =>
                    {
                        foreach (var property in info.Properties.Where(p => p.IsRequired && p.IsSetNullable))
                        {
                            property.IsRequired = false;
                        }
                    },
                },
            };
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        var options = section.Get<SiloOptions>() ?? new SiloOptions();
        var storage = SiloStorage.FromSettings(options.Storage, options.ConnectionString, options.DataDir);
        OrleansSchema.EnsureAsync(storage).GetAwaiter().GetResult();
        builder.UseOrleans(silo =>
        {
            silo.UseActiveIt(storage, new SiloEndpoint(options.ClusterId, options.SiloPort, options.GatewayPort));
            // Failure detection is Orleans' own, tunable as Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, … (docs/user-guide.md).
            silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            silo.AddDashboard();
            silo.AddActivityPropagation();  // a grain call's span joins the HTTP request's trace
        });
        builder.Services.AddSingleton<IPoolService, PoolService>();
        builder.Services.AddSingleton<Access.Callers>();
        builder.Services.AddSingleton<IExperimentService>(sp =>
            new ExperimentService(sp.GetRequiredService<IGrainFactory>(), Runs.CurriculumExecutor.ExperimentsDir(sp.GetRequiredService<IOptions<SiloOptions>>().Value)));
        // Started after the silo (registered after UseOrleans): state from before Orleans comes over once, before any run resumes.
        builder.Services.AddHostedService(sp => new LegacyImportService(sp.GetRequiredService<IGrainFactory>(), storage));
        builder.Services.AddSingleton<Runs.IRunExecutor, Runs.CurriculumExecutor>();
        builder.Services.AddSingleton<Runs.IRunExecutor, Runs.TransferExecutor>();
        builder.Services.AddSingleton<Runs.IRunExecutor, Runs.ScoringExecutor>();
        builder.Services.AddSingleton<Runs.IRunExecutor, Runs.PretrainExecutor>();
        builder.Services.AddSingleton<Runs.IRunExecutor, Runs.DiversityExecutor>();
        builder.Services.AddSingleton<Runs.RunSessions>();
        builder.Services.AddSingleton<Runs.SiloTransferBackends>();
        builder.Services.AddSingleton<Runs.CurriculumRuns>();
        builder.Services.AddSingleton<Runs.TransferRuns>();
        builder.Services.AddSingleton<Runs.ScoringRuns>();
        builder.Services.AddSingleton<Runs.PretrainRuns>();
        builder.Services.AddSingleton<Runs.DiversityRuns>();
        builder.Services.AddSingleton<Runs.RunWorker>();
        builder.Services.Configure<Grains.Runs.RunQueueOptions>(o => o.ClaimTimeout = options.RunClaimTimeout);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Runs.RunWorker>());
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new Completions.ModelRegistry(options.ModelDir, ActiveIT.Engine.PrecisionNames.Parse(options.Precision));
        });
        return builder;
    }
}

/// <summary>Runs <see cref="LegacyStateImport"/> when the silo starts.</summary>
internal sealed class LegacyImportService(IGrainFactory grains, SiloStorage storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => LegacyStateImport.RunAsync(grains, storage, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
