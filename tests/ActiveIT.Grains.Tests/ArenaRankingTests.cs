using ActiveIT.Core.Metrics;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Tests;

/// <summary>The arena's ranking on records built by hand: one round for every row, costs that run order and pauses do not skew.</summary>
public sealed class ArenaRankingTests
{
    /// <summary>An experiment's rounds per seed: the value of each round, and the selection seconds and cache use of each.</summary>
    private static Experiment Of(string name, string strategy, params (ulong Seed, double[] Values, double[] SelectSeconds, bool[] Cached)[] seeds) =>
        new(CurriculumTests.Config(name, strategy), RunStatus.Running, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            [.. seeds.Select(s => new SeedRun(s.Seed, "rewrite", [], [.. s.Values.Select((v, round) => new RoundRecord(round,
                new SelectionRecord(strategy, [], 4 + 3 * round, 10, s.Cached[round] ? 0 : 10, s.Cached[round] ? 10 : 0, null, s.SelectSeconds[round]),
                new TrainingRecord("c", "v", 1, 1, 1, 0.5, 100, 5.0 * (round + 1), 20, "cpu"),
                new EvaluationRecord("rouge_l", v, v, v, new Dictionary<string, double>(), new Dictionary<string, double>(), new Dictionary<string, double>(), 3, 9, 1)))]))],
            null, null, [], null);

    private static (ulong, double[], double[], bool[]) Seed(ulong seed, double[] values, double[]? select = null, bool[]? cached = null) =>
        (seed, values, select ?? new double[values.Length], cached ?? new bool[values.Length]);

    private static IReadOnlyList<ArenaRanking> Rank(params Experiment[] experiments)
    {
        var scores = experiments.Select(SeedScores.Of).ToArray();
        var baseline = PairedDifference.ChooseBaseline(scores, "random");
        return ArenaRanking.Of(experiments, PairedDifference.Of(scores, baseline), baseline);
    }

    [Fact]
    public void EveryRowIsAtOneRound_TheOneWithTheMostSeedsForAll_WhileAStrategyIsStillRunning()
    {
        var random = Of("random", "random", Seed(1, [20, 20, 20]), Seed(2, [10, 10, 10]), Seed(3, [30, 30, 30]));
        // a: +2 at round 1 on every seed, +5 at round 2; b: +1 then +3, its third seed still at round 1.
        var a = Of("a", "prompt-uncertainty", Seed(1, [20, 22, 25]), Seed(2, [10, 12, 15]), Seed(3, [30, 32, 35]));
        var b = Of("b", "ifd", Seed(1, [20, 21, 23]), Seed(2, [10, 11, 13]), Seed(3, [30, 31]));

        var rows = Rank(random, a, b);

        Assert.All(rows, r => Assert.Equal(1, r.Round));
        Assert.All(rows, r => Assert.Equal(3, r.Seeds));
        Assert.Equal(["a", "b", "random"], rows.Select(r => r.Experiment));
        Assert.Equal(2, rows[0].Gain, 9);
        Assert.Equal(1, rows[1].Gain, 9);
        Assert.True(rows[2].IsBaseline);
        Assert.False(rows[0].IsBaseline);
        Assert.Equal(1, ArenaRanking.CommonRound(PairedDifference.Of([SeedScores.Of(a), SeedScores.Of(b)], SeedScores.Of(random))));

        // Once b finishes its third seed, round 2 has every seed for every row.
        b = Of("b", "ifd", Seed(1, [20, 21, 23]), Seed(2, [10, 11, 13]), Seed(3, [30, 31, 33]));
        Assert.All(Rank(random, a, b), r => Assert.Equal(2, r.Round));
    }

    [Fact]
    public void RoundZeroAlone_IsNoComparison_ItsZeroSpreadDetectsNothing()
    {
        var random = Of("random", "random", Seed(1, [20]), Seed(2, [10]));
        var a = Of("a", "prompt-uncertainty", Seed(1, [20]), Seed(2, [10]));

        var row = Rank(random, a).Single(r => r.Experiment == "a");

        Assert.Equal(0, row.Round);
        Assert.Equal(0, row.Sd);
        Assert.True(double.IsNaN(row.MinimumDetectable));
        Assert.True(double.IsNaN(PairedPower.MinimumDetectableDifference(0, 10)));
        Assert.Null(PairedPower.PairsNeeded(0.7, 0));
    }

    [Fact]
    public void SelectionCost_IsTheMedianOfRoundsThatScoredTheirOwnCandidates()
    {
        var random = Of("random", "random", Seed(1, [20, 20, 20]), Seed(2, [10, 10, 10]));
        // a scored rounds 1-2 itself (10 s, 12 s and 14 s; one round of 900 s while the machine was paused).
        var a = Of("a", "prompt-uncertainty", Seed(1, [20, 22, 25], [0, 10, 12]), Seed(2, [10, 12, 15], [0, 900, 14]));
        // b read round 1 from a's cache (0.1 s: a's work, not its own), then scored rounds 2 itself.
        var b = Of("b", "high-perplexity", Seed(1, [20, 21, 23], [0, 0.1, 8], [false, true, false]), Seed(2, [10, 11, 13], [0, 0.1, 6], [false, true, false]));
        // c always read another strategy's scores.
        var c = Of("c", "ambiguous", Seed(1, [20, 21, 23], [0, 0.1, 0.1], [false, true, true]), Seed(2, [10, 11, 13], [0, 0.1, 0.1], [false, true, true]));

        var rows = Rank(random, a, b, c).ToDictionary(r => r.Experiment);

        Assert.Equal(13, rows["a"].SelectSecondsPerRound, 9);
        Assert.Equal(7, rows["b"].SelectSecondsPerRound, 9);
        Assert.True(double.IsNaN(rows["c"].SelectSecondsPerRound));
        Assert.Equal(12.5, rows["a"].TrainSecondsPerRound, 9);  // rounds 1 and 2 train for 10 and 15 s
    }
}
