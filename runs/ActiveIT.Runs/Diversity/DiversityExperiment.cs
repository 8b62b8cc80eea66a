using System.Diagnostics;
using System.Globalization;
using ActiveIT.Engine;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Runs.Diversity;

/// <summary>
/// An instruction-diversity run (methods.md §3): one fresh model per point of the grid — seed, then α, then instruction
/// count — each trained on the same example budget and tested on seen and unseen rules. Points finished before (in an
/// earlier session, on any silo) are given in and not trained again; each new point is handed to <c>finished</c> as
/// soon as it is measured, to be stored before the next one starts. Every point is seeded, so a point trained again
/// after an interruption ends as it would have. Not here: where results are stored, printed or written.
/// </summary>
public sealed class DiversityExperiment
{
    public DiversityExperiment(DiversityConfig config, string device)
    {
        config.Validate();
        Setup = DiversitySetup.Of(config, device);
        Points = [.. config.Seeds.SelectMany(seed => config.Alphas.SelectMany(alpha => config.InstructionCounts.Select(count => new DiversityPoint(seed, alpha, count))))];
    }

    public DiversitySetup Setup { get; }

    /// <summary>The grid in the order it is trained.</summary>
    public IReadOnlyList<DiversityPoint> Points { get; }

    /// <param name="done">Results of points finished before, by <see cref="DiversityPoint.Key"/>.</param>
    /// <param name="finished">Called with each point trained now, before the next one starts.</param>
    /// <param name="progress">Steps trained over the whole grid, the current point named in <see cref="RunProgress.Step"/>.</param>
    public async Task<DiversityResult> RunAsync(IReadOnlyDictionary<string, DiversityPointResult> done, Func<DiversityPoint, DiversityPointResult, Task> finished,
        IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var environment = RunEnvironment.Capture(Setup.Device);
        var wall = Stopwatch.StartNew();
        var runner = new DiversityRunner(Setup);
        var perPoint = Setup.Training.TotalSteps;
        var total = (long)perPoint * Points.Count;
        var results = new List<DiversityPointResult>();
        for (var i = 0; i < Points.Count; i++)
        {
            var point = Points[i];
            if (done.TryGetValue(point.Key, out var stored))
            {
                results.Add(stored);
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var label = Label(i, point);
            var before = (long)i * perPoint;
            var steps = new SyncProgress<TrainingProgress>(p =>
                progress?.Report(new RunProgress(before + p.Step, total, $"{label} · loss {p.Result.Loss.ToString("F4", CultureInfo.InvariantCulture)}", DateTimeOffset.UtcNow)));
            var result = await Task.Run(() => runner.RunPoint(point, steps, cancellationToken), cancellationToken);
            await finished(point, result);
            results.Add(result);
        }
        return DiversityResult.Of(Setup, environment, wall.Elapsed.TotalSeconds, results);
    }

    private string Label(int index, DiversityPoint point) => string.Create(CultureInfo.InvariantCulture,
        $"model {index + 1}/{Points.Count} ({point.Instructions} instructions, seed {point.Seed}{(Setup.Alphas.Count > 1 ? $", α {point.Alpha}" : "")})");
}
