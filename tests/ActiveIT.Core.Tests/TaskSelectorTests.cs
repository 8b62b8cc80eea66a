using ActiveIT.Core;
using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class TaskSelectorTests
{
    // t0..t8: PU rises with the index, PP falls, perplexity rises; t0-t2 are classification tasks.
    private static readonly SelectionCandidate[] Pool = [.. Enumerable.Range(0, 9).Select(i =>
        new SelectionCandidate($"t{i}", i < 3, PromptUncertainty: i / 10.0, PredictionProbability: 1 - i / 10.0, Perplexity: 1 + i))];

    private static IReadOnlyList<string> Select(string strategy, int count, bool balance = false, ulong seed = 1, double? share = null)
    {
        Assert.True(SelectionStrategies.TryParse(strategy, out var s));
        return TaskSelector.Select(Pool.Reverse().ToArray(), s, count, balance, SeededRandom.For(seed, "test"), classShare: share);
    }

    [Fact]
    public void ScoredStrategies_PickByTheirRanking()
    {
        Assert.Equal(["t8", "t7", "t6"], Select("prompt-uncertainty", 3));
        Assert.Equal(["t8", "t7"], Select("high-perplexity", 2));
        Assert.Equal(["t0", "t1"], Select("low-perplexity", 2));
    }

    [Fact]
    public void Ifd_PrefersTheHardestTasksTheInstructionStillHelps_AndLongestResponse_TheLongestReferences()
    {
        SelectionCandidate[] pool =
        [
            new("helps-little", false, Ifd: 0.9), new("helps-most", false, Ifd: 0.2), new("no-labels", false),
            new("misleads", false, Ifd: 1.4), new("no-help", false, Ifd: 1.0), new("helps-some", false, Ifd: 0.5),
        ];
        // Below 1 by descending IFD, then the tasks whose instruction does not help (Cherry-LLM drops them), then no labels.
        Assert.Equal(["helps-little", "helps-some", "helps-most", "misleads", "no-help", "no-labels"],
            TaskSelector.Select(pool, SelectionStrategy.Ifd, 6, false, new SeededRandom(1)));
        Assert.Equal(["helps-little", "helps-some"], TaskSelector.Select(pool, SelectionStrategy.Ifd, 2, false, new SeededRandom(1)));

        SelectionCandidate[] lengths = [new("short", false, ResponseLength: 3), new("long", false, ResponseLength: 40), new("mid", true, ResponseLength: 12)];
        Assert.Equal(["long", "mid"], TaskSelector.Select(lengths, SelectionStrategy.LongestResponse, 2, false, new SeededRandom(1)));
        Assert.False(SelectionStrategy.LongestResponse.NeedsScores);  // read from the task's references, no model
        Assert.True(SelectionStrategy.Ifd.NeedsScores);
    }

    [Fact]
    public void SimilarityStrategies_PickTheTasksNearestTheDevTasks_AndDiverseUncertainty_SpreadsOverTheShortlist()
    {
        SelectionCandidate[] near =
        [
            new("far", false, GradientSimilarity: -0.2, HiddenSimilarity: 0.9), new("close", false, GradientSimilarity: 0.8, HiddenSimilarity: 0.1),
            new("mid", false, GradientSimilarity: 0.3, HiddenSimilarity: 0.5),
        ];
        Assert.Equal(["close", "mid"], TaskSelector.Select(near, SelectionStrategy.GradientSimilarity, 2, false, new SeededRandom(1)));
        Assert.Equal(["far", "mid"], TaskSelector.Select(near, SelectionStrategy.HiddenSimilarity, 2, false, new SeededRandom(1)));

        // a and b are the two most uncertain but alike; c is the most uncertain task unlike a. Plain PU takes a, b;
        // the diverse variant takes a, then the shortlisted task farthest from it: c (d, as far, is less uncertain).
        SelectionCandidate[] pool =
        [
            new("a", false, PromptUncertainty: 0.9, Hidden: [1, 0]), new("b", false, PromptUncertainty: 0.8, Hidden: [1, 0.05f]),
            new("c", false, PromptUncertainty: 0.7, Hidden: [0, 1]), new("d", false, PromptUncertainty: 0.6, Hidden: [0, 2]),
            new("e", false, PromptUncertainty: 0.1, Hidden: [-1, 0]),  // farthest of all, but not on the 2 × 2 shortlist
        ];
        Assert.Equal(["a", "b"], TaskSelector.Select(pool, SelectionStrategy.PromptUncertainty, 2, false, new SeededRandom(1)));
        Assert.Equal(["a", "c"], TaskSelector.Select(pool, SelectionStrategy.DiverseUncertainty, 2, false, new SeededRandom(1)));
        Assert.Equal(["a", "e", "c", "b", "d"], TaskSelector.Select(pool, SelectionStrategy.DiverseUncertainty, 5, false, new SeededRandom(1)));
        Assert.Throws<ArgumentException>(() => TaskSelector.Select([.. pool.Select(c => c with { Hidden = null })], SelectionStrategy.DiverseUncertainty, 2, false, new SeededRandom(1)));
        Assert.True(SelectionStrategy.DiverseUncertainty.NeedsScores && SelectionStrategy.DiverseUncertainty.NeedsFeatures);
        Assert.True(SelectionStrategy.GradientSimilarity.NeedsTarget && !SelectionStrategy.GradientSimilarity.NeedsScores);
    }

    [Fact]
    public void MapStrategies_PickTheirCategoryFirst()
    {
        // Thirds: t6-t8 ambiguous; of t0-t5, t0-t2 (higher PP) easy and t3-t5 difficult.
        Assert.Equal(["t6", "t7", "t8"], Select("ambiguous", 3).Order());
        Assert.Equal(["t0", "t1", "t2"], Select("easy", 3));
        Assert.Equal(["t5", "t4", "t3"], Select("difficult", 3));
        Assert.Equal(["t5", "t4", "t3", "t8"], Select("difficult", 4));  // then the rest, by the same ranking (lowest PP)
    }

    [Fact]
    public void Ambiguous_DrawsItsCategoryAtRandom_NotThePromptUncertaintyRanking()
    {
        // 30 tasks, PU rising with the index: the ambiguous third is t20-t29; prompt uncertainty takes its top five.
        var pool = Enumerable.Range(0, 30).Select(i => new SelectionCandidate($"t{i:D2}", false, PromptUncertainty: i / 30.0, PredictionProbability: 0.5)).ToArray();
        string[] Draw(ulong seed, int count) => [.. TaskSelector.Select(pool, SelectionStrategy.Ambiguous, count, false, SeededRandom.For(seed, "round"))];
        var third = Enumerable.Range(20, 10).Select(i => $"t{i:D2}").ToArray();

        var draws = Enumerable.Range(1, 20).Select(seed => Draw((ulong)seed, 5)).ToArray();
        Assert.All(draws, d => Assert.Subset(third.ToHashSet(), d.ToHashSet()));
        Assert.Equal(Draw(3, 5), Draw(3, 5));  // seeded
        Assert.Equal(third, draws.SelectMany(d => d).Distinct().Order());  // over 20 seeds every ambiguous task is drawn
        var uncertain = TaskSelector.Select(pool, SelectionStrategy.PromptUncertainty, 5, false, SeededRandom.For(1, "round"));
        Assert.Contains(draws, d => !d.Order().SequenceEqual(uncertain.Order()));
        // A round larger than the category takes all of it first, then others.
        Assert.Equal(third, Draw(1, 12).Take(10).Order());
    }

    [Fact]
    public void Random_IsSeeded_AndFullyTrainedTakesEverything()
    {
        Assert.Equal(Select("random", 4, seed: 7), Select("random", 4, seed: 7));
        Assert.NotEqual(Select("random", 4, seed: 7), Select("random", 4, seed: 8));
        Assert.Equal(4, Select("random", 4).Distinct().Count());
        Assert.Equal(9, Select("fully-trained", 2).Count);
    }

    [Fact]
    public void ClassBalance_PoolShare_KeepsThePoolsProportion()
    {
        // 3 of 9 are classification: a round of 6 takes 2 of them (the most uncertain) and 4 generation tasks.
        var picked = Select("prompt-uncertainty", 6, balance: true);
        Assert.Equal(["t2", "t1", "t8", "t7", "t6", "t5"], picked);
        Assert.Equal(["t8", "t7", "t6", "t5", "t4", "t3"], Select("prompt-uncertainty", 6));
    }

    [Fact]
    public void ClassBalance_FixedShare_TakesThePapers24Of68()
    {
        // 100 classification and 400 generation candidates: the pool's share would give 14 of 68; the paper's 0.356 gives 24.
        var candidates = Enumerable.Range(0, 500).Select(i => new SelectionCandidate($"t{i:D3}", i < 100, PromptUncertainty: i)).ToArray();
        var picked = TaskSelector.Select(candidates, SelectionStrategy.PromptUncertainty, 68, true, new SeededRandom(1));
        Assert.Equal(24, picked.Count(id => int.Parse(id[1..]) < 100));
        Assert.Equal(68, picked.Count);
        Assert.Equal(Enumerable.Range(76, 24).Select(i => $"t{i:D3}").Reverse(), picked.Take(24));  // the most uncertain classification tasks
        var byPool = TaskSelector.Select(candidates, SelectionStrategy.PromptUncertainty, 68, true, new SeededRandom(1), classShare: null);
        Assert.Equal(14, byPool.Count(id => int.Parse(id[1..]) < 100));

        // Too few classification tasks: generation fills the round.
        var few = candidates.Skip(95).ToArray();
        Assert.Equal(5, TaskSelector.Select(few, SelectionStrategy.PromptUncertainty, 68, true, new SeededRandom(1)).Count(id => int.Parse(id[1..]) < 100));
    }

    [Fact]
    public void StrategyNames_RoundTrip()
    {
        Assert.Equal(["random", "prompt-uncertainty", "high-perplexity", "low-perplexity", "ambiguous", "easy", "difficult", "fully-trained", "ifd", "longest-response",
            "gradient-similarity", "hidden-similarity", "diverse-uncertainty"],
            SelectionStrategy.All.Select(s => s.Name));
        Assert.All(SelectionStrategy.All, s => Assert.True(SelectionStrategies.TryParse(s.Name, out var parsed) && ReferenceEquals(parsed, s)));
        Assert.False(SelectionStrategies.TryParse("PromptUncertainty", out _));
        // What each strategy reads decides what the runner computes before it ranks.
        Assert.Equal(["prompt-uncertainty", "high-perplexity", "low-perplexity", "ambiguous", "easy", "difficult", "ifd", "diverse-uncertainty"],
            SelectionStrategy.All.Where(s => s.NeedsScores).Select(s => s.Name));
        Assert.Equal(["gradient-similarity", "hidden-similarity"], SelectionStrategy.All.Where(s => s.NeedsTarget).Select(s => s.Name));
        Assert.Equal(["random", "fully-trained", "longest-response"], SelectionStrategy.All.Where(s => !s.UsesModel).Select(s => s.Name));
    }

    [Fact]
    public void TaskKind_TellsClassificationFromGeneration()
    {
        var rewrite = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 1, 20, seed: 1)[0];
        Assert.Equal(new TaskKindDecision(false, "heuristic"), TaskKind.Decide(rewrite));
        var labels = rewrite with
        {
            Format = Tasks.TaskFormat.Niv2,
            Instances = [.. Enumerable.Range(0, 20).Select(i => new Tasks.TaskInstance($"{i}", $"x{i}", [i % 2 == 0 ? "Yes" : "No"]))],
        };
        Assert.Equal(new TaskKindDecision(true, "heuristic"), TaskKind.Decide(labels));
        Assert.True(TaskKind.Decide(rewrite with { Format = Tasks.TaskFormat.Niv2, Categories = ["Sentiment Classification"] }).Classification);

        // Active-IT's metadata flag, where a task has it, decides over the heuristic either way.
        Assert.Equal(new TaskKindDecision(false, "metadata"), TaskKind.Decide(labels with { Metadata = new Dictionary<string, string> { ["DefHasLabel"] = "NotMentioned" } }));
        Assert.Equal(new TaskKindDecision(true, "metadata"), TaskKind.Decide(rewrite with { Metadata = new Dictionary<string, string> { ["DefHasLabel"] = "ExactMentioned" } }));
    }
}
