using ActiveIT.Engine;
using ActiveIT.Grains.Pretraining;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs;
using ActiveIT.Runs.Pretraining;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Pretraining runs on this silo: one base per seed into the model folder. A base is written whole or not at all
/// (<see cref="BasePretraining"/>), so a run resumed on another silo finds the seeds done and pretrains the rest; the
/// seed in flight starts again, and being seeded, ends with the same weights.
/// </summary>
public sealed class PretrainExecutor(IGrainFactory grains, RunSessions sessions, IOptions<SiloOptions> options) : GenericExecutor<PretrainRequest>(grains, sessions)
{
    public override string Kind => RunKinds.Pretrain;

    protected override Task<object> RunAsync(PretrainRequest request, RunContext run, CancellationToken cancellationToken) => Task.Run<object>(() =>
    {
        var dir = options.Value.ModelDir ?? throw new ArgumentException("pretraining on a silo writes its bases to ActiveIT:ModelDir, and this silo has none");
        var device = options.Value.Device ?? EngineRuntime.DefaultDevice;
        var steps = (long)request.Spec.Steps * request.Seeds.Count;
        var bases = new List<PretrainedBase>();
        foreach (var (seed, index) in request.Seeds.Select((s, i) => (s, i)))
        {
            var result = BasePretraining.Ensure(request.Spec, seed, dir, device, CurriculumExecutor.CodeVersion,
                new SyncProgress<TrainingProgress>(p => run.Progress.Report(new RunProgress((long)index * request.Spec.Steps + p.Step, steps, $"seed {seed}", DateTimeOffset.UtcNow))),
                cancellationToken);
            bases.Add(new PretrainedBase(seed, Path.GetFileName(result.Path), result.Cached, result.Seconds, result.FinalLoss, result.TokensPerSecond, result.Tokens));
        }
        return bases;
    }, CancellationToken.None);
}
