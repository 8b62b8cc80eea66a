using ActiveIT.Core.Metrics;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// What a pilot says about the comparison to run: per experiment against the baseline at one round, the spread of the
/// per-seed paired differences (with its 95 % upper bound, since a few seeds estimate it loosely), the smallest true
/// difference each planned seed count detects (80 % power, 5 % two-sided), and the seeds a target difference needs.
/// </summary>
internal sealed record PowerPlan(string Experiment, string Baseline, int Round, int PilotSeeds, double Mean, double Sd, double SdUpper,
    IReadOnlyDictionary<int, double> DetectableBySeeds, double Target, int? SeedsNeeded, int? SeedsNeededAtSdUpper)
{
    /// <param name="round">The round to plan for; null: the ranking's round (<see cref="ArenaRanking.CommonRound"/>).</param>
    public static IReadOnlyList<PowerPlan> Of(IReadOnlyList<SeedScores> experiments, SeedScores baseline, int? round, IReadOnlyList<int> plannedSeeds, double target)
    {
        var overall = PairedDifference.Of(experiments, baseline).Where(r => r.Category == PairedDifference.Overall).ToArray();
        if (round is { } wanted && !overall.Any(r => r.Round == wanted))
        {
            throw new ArgumentException($"--round {wanted}: no experiment has that round evaluated beside {baseline.Experiment}'s");
        }
        var at = round ?? ArenaRanking.CommonRound(overall);
        return [.. overall.GroupBy(r => r.Experiment)
            .Select(g => ArenaRanking.RowAt([.. g], at)).OfType<PairedDifference>()
            .Select(r =>
            {
                var upper = PairedPower.SdUpperBound(r.Sd, r.Seeds);
                return new PowerPlan(r.Experiment, r.Baseline, r.Round, r.Seeds, r.Mean, r.Sd, upper,
                    plannedSeeds.ToDictionary(n => n, n => PairedPower.MinimumDetectableDifference(r.Sd, n)), target,
                    PairedPower.PairsNeeded(target, r.Sd), PairedPower.PairsNeeded(target, upper));
            })];
    }
}
