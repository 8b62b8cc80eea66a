using ActiveIT.Grains.Runs;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// Follows an experiment until it stops: a line per finished round as it is recorded (a JSON line with --json), and a
/// progress line on stderr. Changes are pushed (the curriculum grain's observer; a silo's server-sent events), so it
/// works for a runner in this process, another process, or a silo.
/// </summary>
internal sealed class ExperimentWatcher(IExperimentService service, bool json, TimeSpan? interval = null)
{
    private readonly HashSet<(ulong Seed, int Round)> _printed = [];
    private readonly ProgressLine _line = new();

    /// <summary>Print only the rounds of the config's first N seeds (the seeds a seed-limited run has reached).</summary>
    public int? SeedLimit { get; set; }

    /// <summary>Watches until the experiment is no longer queued or running (or, with <paramref name="runner"/>, until that task ends).</summary>
    public async Task<Experiment> WatchAsync(string name, Task? runner = null, Func<ExperimentProgress?>? live = null, CancellationToken cancellationToken = default)
    {
        if (runner is null)
        {
            return await FollowAsync(name, cancellationToken);
        }
        while (true)
        {
            var experiment = await service.GetAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"no experiment '{name}'");
            PrintNewRounds(experiment);
            var stopped = runner?.IsCompleted ?? experiment.Status is not (RunStatus.Queued or RunStatus.Running);
            if (stopped)
            {
                _line.Clear();
                return experiment;
            }
            var progress = live?.Invoke() ?? experiment.Progress;
            _line.Update(experiment.Status == RunStatus.Queued ? $"{name}: queued" : progress is null ? $"{name}: starting" : $"{name}: {ExperimentReport.Progress(progress)}");
            var delay = Task.Delay(interval ?? TimeSpan.FromSeconds(1), cancellationToken);
            await (runner is null ? delay : Task.WhenAny(delay, runner));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<Experiment> FollowAsync(string name, CancellationToken cancellationToken)
    {
        Experiment? latest = null;
        await foreach (var experiment in service.WatchAsync(name, interval ?? TimeSpan.FromSeconds(1), cancellationToken))
        {
            latest = experiment;
            PrintNewRounds(experiment);
            if (experiment.Status is not (RunStatus.Queued or RunStatus.Running))
            {
                break;
            }
            _line.Update(experiment.Status == RunStatus.Queued ? $"{name}: queued"
                : experiment.Progress is { } progress ? $"{name}: {ExperimentReport.Progress(progress)}" : $"{name}: starting");
        }
        _line.Clear();
        return latest ?? throw new KeyNotFoundException($"no experiment '{name}'");
    }

    /// <summary>Marks the rounds already finished as printed: a watcher that joins late prints only what comes next.</summary>
    public void MarkPrinted(Experiment experiment)
    {
        foreach (var run in experiment.Runs)
        {
            foreach (var round in run.Rounds.Where(r => r.Evaluation is not null))
            {
                _printed.Add((run.Seed, round.Round));
            }
        }
    }

    public void PrintNewRounds(Experiment experiment)
    {
        var seeds = experiment.Config.Seeds.Take(SeedLimit ?? int.MaxValue).ToHashSet();
        foreach (var run in experiment.Runs.Where(r => seeds.Contains(r.Seed)))
        {
            foreach (var round in run.Rounds.Where(r => r.Evaluation is not null).OrderBy(r => r.Round))
            {
                if (!_printed.Add((run.Seed, round.Round)))
                {
                    continue;
                }
                _line.Clear();
                Console.WriteLine(json ? Json.Line(new { experiment = experiment.Name, seed = run.Seed, round }) : Describe(run.Seed, round));
            }
        }
    }

    /// <summary>" · dev rouge_l by epoch 12.50 14.00 13.25 → epoch 2" with best-epoch selection, else nothing.</summary>
    private static string BestEpoch(TrainingRecord t) => t.DevScores is { } scores && t.BestEpoch is { } best
        ? $" · dev {t.DevMetric} by epoch {string.Join(" ", scores.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} → epoch {best}"
        : "";

    public static string Describe(ulong seed, RoundRecord r)
    {
        var s = r.Selection;
        var scoring = s.ScoreKey is null ? "" : $", scored {s.ScoredNow} + {s.ScoresFromCache} cached";
        return $"seed {seed} round {r.Round}: {r.TrainingTasks} tasks (+{s.Selected.Count}) · {r.Evaluation!.Metric} {r.Evaluation.Value:F2} " +
               $"(ROUGE-L {r.Evaluation.RougeL:F2}){(r.Evaluation.UnseenCategories is { } u ? $" · unseen categories {u.Value:F2}" : "")} · select {s.Seconds:F1} s{scoring} · train {r.Training!.Seconds:F1} s " +
               $"({r.Training.TokensPerSecond / 1000:F1}k tok/s, loss {r.Training.FinalLoss:F3}){BestEpoch(r.Training)} · eval {r.Evaluation.Seconds:F1} s";
    }
}
