using System.Reflection;
using ActiveIT.Engine;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Curriculum;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ActiveIT.Silo.Runs;

/// <summary>Curriculum runs (experiments): the <see cref="CurriculumRunner"/> on this silo's engine, resuming at the first unfinished step.</summary>
public sealed class CurriculumExecutor(IGrainFactory grains, IExperimentService experiments, IOptions<SiloOptions> options, IOptions<ClusterOptions> cluster)
    : IRunExecutor
{
    public string Kind => RunKinds.Curriculum;

    public static string ExperimentsDir(SiloOptions options) => Path.Combine(options.DataDir, "experiments");

    public static string CodeVersion => typeof(CurriculumExecutor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public async Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken)
    {
        var device = options.Value.Device ?? EngineRuntime.DefaultDevice;
        var runner = new CurriculumRunner(grains, ExperimentsDir(options.Value), device, CodeVersion) { Silo = (cluster.Value.ClusterId, silo), FromQueue = true };
        var done = await runner.RunAsync(name, cancellationToken: cancellationToken);
        return done.Status.ToString();
    }

    public Task RequeueAsync(string name) => experiments.StartAsync(name, CancellationToken.None);
}
