using System.Text.Json;
using ActiveIT.Engine;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Diversity;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Instruction-diversity runs on this silo: the <see cref="DiversityExperiment"/> on this silo's engine. Each finished
/// model (a point of the grid) is stored in the run's grain before the next one starts, so a run resumed on another
/// silo of the cluster — they share storage, not disks — trains only the points that are missing; the point in flight
/// starts again and, being seeded, ends as it would have.
/// </summary>
public sealed class DiversityExecutor(IGrainFactory grains, RunSessions sessions, IOptions<SiloOptions> options) : GenericExecutor<DiversityRequest>(grains, sessions)
{
    public override string Kind => RunKinds.Diversity;

    protected override async Task<object> RunAsync(DiversityRequest request, RunContext run, CancellationToken cancellationToken)
    {
        var experiment = new DiversityExperiment(request.Config, options.Value.Device ?? EngineRuntime.DefaultDevice);
        var done = run.Done.ToDictionary(s => s.Key, s => JsonSerializer.Deserialize<DiversityPointResult>(s.Result, RunJson.Options)!);
        return await experiment.RunAsync(done, (point, result) => run.RecordStepAsync(point.Key, JsonSerializer.Serialize(result, RunJson.Options)),
            run.Progress, cancellationToken);
    }
}
