namespace ActiveIT.Core.Curriculum;

/// <summary>
/// How a round picks its tasks from the not-yet-selected pool (methods.md §1, docs/selection.md): one class per
/// strategy, listed in <see cref="All"/>. A strategy ranks candidates; <see cref="TaskSelector"/> takes the head of the
/// ranking (per class with class balance). What it reads — scores from the scoring pass, features, a target set — it
/// declares, and the runner computes exactly that under the previous round's model.
/// </summary>
public abstract class SelectionStrategy
{
    /// <summary>The kebab-case name users type and records carry: "prompt-uncertainty".</summary>
    public abstract string Name { get; }

    /// <summary>Reads the scoring pass (prompt uncertainty, prediction probability, perplexity, label loss, IFD).</summary>
    public virtual bool NeedsScores => false;

    /// <summary>Reads feature vectors (gradients, hidden states) of the candidates.</summary>
    public virtual bool NeedsFeatures => false;

    /// <summary>Reads each candidate's hidden-state vector itself, not only its similarity to a target.</summary>
    public virtual bool NeedsHiddenStates => false;

    /// <summary>Selects toward a target set: the experiment's dev tasks.</summary>
    public virtual bool NeedsTarget => false;

    /// <summary>
    /// When the strategy's present definition landed, if it changed since it was first released: an experiment created
    /// before then selected by the earlier definition, so its records are not restored into this code's runs.
    /// </summary>
    public virtual DateTimeOffset? DefinedSince => null;

    /// <summary>Whether the selection is decided by the previous round's model (scores or features).</summary>
    public bool UsesModel => NeedsScores || NeedsFeatures;

    /// <summary>All candidates, most preferred first. <paramref name="byId"/> is ordered by task id, so the same scores
    /// give the same ranking whatever order the pool listed them in; <paramref name="count"/> is how many will be taken.</summary>
    public abstract IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count);

    public override string ToString() => Name;

    public static readonly SelectionStrategy Random = new Strategies.RandomStrategy();
    public static readonly SelectionStrategy PromptUncertainty = new Strategies.PromptUncertaintyStrategy();
    public static readonly SelectionStrategy HighPerplexity = new Strategies.PerplexityStrategy(highFirst: true);
    public static readonly SelectionStrategy LowPerplexity = new Strategies.PerplexityStrategy(highFirst: false);
    public static readonly SelectionStrategy Ambiguous = new Strategies.MapCategoryStrategy(Uncertainty.TaskMapCategory.Ambiguous);
    public static readonly SelectionStrategy Easy = new Strategies.MapCategoryStrategy(Uncertainty.TaskMapCategory.Easy);
    public static readonly SelectionStrategy Difficult = new Strategies.MapCategoryStrategy(Uncertainty.TaskMapCategory.Difficult);
    public static readonly SelectionStrategy FullyTrained = new Strategies.FullyTrainedStrategy();
    public static readonly SelectionStrategy Ifd = new Strategies.IfdStrategy();
    public static readonly SelectionStrategy LongestResponse = new Strategies.LongestResponseStrategy();
    public static readonly SelectionStrategy GradientSimilarity = new Strategies.TargetSimilarityStrategy(byGradient: true);
    public static readonly SelectionStrategy HiddenSimilarity = new Strategies.TargetSimilarityStrategy(byGradient: false);
    public static readonly SelectionStrategy DiverseUncertainty = new Strategies.DiverseUncertaintyStrategy();

    /// <summary>Every strategy, in the order help texts list them.</summary>
    public static IReadOnlyList<SelectionStrategy> All { get; } =
        [Random, PromptUncertainty, HighPerplexity, LowPerplexity, Ambiguous, Easy, Difficult, FullyTrained, Ifd, LongestResponse,
         GradientSimilarity, HiddenSimilarity, DiverseUncertainty];
}

/// <summary>What a ranking may draw on besides the candidates: the round's seeded stream and the task map's thresholds.</summary>
public sealed record SelectionContext(SeededRandom Random, double AmbiguousShare);
